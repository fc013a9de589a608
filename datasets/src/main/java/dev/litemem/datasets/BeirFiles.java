package dev.litemem.datasets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Line-level parsing of the three BEIR files; every error names the file and the 1-based line. */
final class BeirFiles {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private BeirFiles() {
    }

    static List<BeirDataset.Document> readCorpus(Path file) {
        List<BeirDataset.Document> documents = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        forEachLine(file, (line, lineNumber) -> {
            if (line.isBlank()) {
                return;
            }
            JsonNode node = parseObject(file, line, lineNumber);
            String id = requiredText(node, "_id", file, lineNumber);
            String text = requiredText(node, "text", file, lineNumber);
            JsonNode title = node.get("title");
            String titleText = title == null || title.isNull() ? "" : title.asText();
            if (!seen.add(id)) {
                throw new DatasetException(where(file, lineNumber) + ": duplicate _id (an earlier line has the same id)");
            }
            documents.add(new BeirDataset.Document(id, titleText, text));
        });
        return documents;
    }

    static List<BeirDataset.Query> readQueries(Path file) {
        List<BeirDataset.Query> queries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        forEachLine(file, (line, lineNumber) -> {
            if (line.isBlank()) {
                return;
            }
            JsonNode node = parseObject(file, line, lineNumber);
            String id = requiredText(node, "_id", file, lineNumber);
            String text = requiredText(node, "text", file, lineNumber);
            if (!seen.add(id)) {
                throw new DatasetException(where(file, lineNumber) + ": duplicate _id (an earlier line has the same id)");
            }
            queries.add(new BeirDataset.Query(id, text));
        });
        return queries;
    }

    /**
     * Reads {@code query-id TAB corpus-id TAB score}. The header line is optional: BEIR's own loader always skips line
     * 1, but some published files (e.g. MS MARCO subsets) have no header, so line 1 is treated as a header only when
     * its score column is not an integer.
     */
    static Map<String, Map<String, Integer>> readQrels(Path file) {
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        forEachLine(file, (line, lineNumber) -> {
            if (line.isBlank()) {
                return;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length != 3) {
                throw new DatasetException(where(file, lineNumber) + ": expected 3 tab-separated columns "
                        + "(query-id, corpus-id, score) but found " + fields.length);
            }
            int grade;
            try {
                grade = Integer.parseInt(fields[2].trim());
            } catch (NumberFormatException e) {
                if (lineNumber == 1) {
                    return; // header
                }
                throw new DatasetException(where(file, lineNumber) + ": the score column is not an integer grade");
            }
            String queryId = fields[0].trim();
            String documentId = fields[1].trim();
            if (queryId.isEmpty() || documentId.isEmpty()) {
                throw new DatasetException(where(file, lineNumber) + ": empty query-id or corpus-id");
            }
            Integer previous = qrels.computeIfAbsent(queryId, k -> new HashMap<>()).put(documentId, grade);
            if (previous != null && previous != grade) {
                throw new DatasetException(where(file, lineNumber)
                        + ": the same query and document were already judged with a different grade");
            }
        });
        Map<String, Map<String, Integer>> frozen = new LinkedHashMap<>();
        qrels.forEach((query, grades) -> frozen.put(query, Collections.unmodifiableMap(grades)));
        return Collections.unmodifiableMap(frozen);
    }

    private interface LineHandler {
        void accept(String line, int lineNumber);
    }

    private static void forEachLine(Path file, LineHandler handler) {
        int lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                handler.accept(line, lineNumber);
            }
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": file not found; a BEIR folder needs corpus.jsonl, queries.jsonl "
                    + "and qrels/<split>.tsv", e);
        } catch (CharacterCodingException e) {
            throw new DatasetException(where(file, lineNumber + 1) + ": not valid UTF-8", e);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static JsonNode parseObject(Path file, String line, int lineNumber) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            // Jackson's message and cause quote the input, so only the column is kept.
            String column = e.getLocation() == null ? "" : " near column " + e.getLocation().getColumnNr();
            throw new DatasetException(where(file, lineNumber) + ": malformed JSON" + column);
        }
        if (node == null || !node.isObject()) {
            throw new DatasetException(where(file, lineNumber) + ": expected one JSON object per line");
        }
        return node;
    }

    private static String requiredText(JsonNode node, String field, Path file, int lineNumber) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            throw new DatasetException(where(file, lineNumber) + ": missing or non-scalar \"" + field + "\" field");
        }
        return value.asText();
    }

    private static String where(Path file, int lineNumber) {
        return file + " line " + lineNumber;
    }
}
