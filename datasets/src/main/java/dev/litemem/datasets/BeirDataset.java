package dev.litemem.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A retrieval test set in the BEIR layout: {@code corpus.jsonl}, {@code queries.jsonl} and {@code qrels/<split>.tsv}.
 *
 * <p>Judgements that name a query or document missing from the files are kept (they still count as relevant, as in
 * BEIR and trec_eval) and counted in {@link #judgementsWithUnknownQuery()} / {@link #judgementsWithUnknownDocument()}.
 */
public final class BeirDataset {

    /** One corpus entry; {@code title} is empty when the file has none. */
    public record Document(String id, String title, String text) {
    }

    /** One query. */
    public record Query(String id, String text) {
    }

    private final List<Document> documents;
    private final List<Query> queries;
    private final Map<String, Map<String, Integer>> qrels;
    private final int judgementsWithUnknownQuery;
    private final int judgementsWithUnknownDocument;

    private BeirDataset(List<Document> documents, List<Query> queries, Map<String, Map<String, Integer>> qrels) {
        this.documents = Collections.unmodifiableList(documents);
        this.queries = Collections.unmodifiableList(queries);
        this.qrels = qrels;
        Set<String> queryIds = new HashSet<>();
        queries.forEach(q -> queryIds.add(q.id()));
        Set<String> documentIds = new HashSet<>();
        documents.forEach(d -> documentIds.add(d.id()));
        int unknownQuery = 0;
        int unknownDocument = 0;
        for (Map.Entry<String, Map<String, Integer>> entry : qrels.entrySet()) {
            if (!queryIds.contains(entry.getKey())) {
                unknownQuery += entry.getValue().size();
            }
            for (String documentId : entry.getValue().keySet()) {
                if (!documentIds.contains(documentId)) {
                    unknownDocument++;
                }
            }
        }
        this.judgementsWithUnknownQuery = unknownQuery;
        this.judgementsWithUnknownDocument = unknownDocument;
    }

    /**
     * The folder of a shared BEIR set called {@code name}: under the folder named by the system property
     * {@code litemem.beir.dir}, else by the environment variable {@code LITEMEM_BEIR_DIR}, else in
     * {@code shared/datasets} beside the working directory or one of its parents; empty when none holds it.
     */
    public static java.util.Optional<Path> findShared(String name) {
        for (String configured : new String[] {System.getProperty("litemem.beir.dir"), System.getenv("LITEMEM_BEIR_DIR")}) {
            if (configured != null && java.nio.file.Files.isDirectory(Path.of(configured, name))) {
                return java.util.Optional.of(Path.of(configured, name));
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("datasets").resolve(name);
            if (java.nio.file.Files.isDirectory(candidate)) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The names of the shared BEIR sets (folders holding a {@code corpus.jsonl}), sorted, in the first folder that
     * {@link #findShared} would look in and that exists; empty when there is none.
     */
    public static List<String> sharedSetNames() {
        List<Path> roots = new ArrayList<>();
        for (String configured : new String[] {System.getProperty("litemem.beir.dir"), System.getenv("LITEMEM_BEIR_DIR")}) {
            if (configured != null) {
                roots.add(Path.of(configured));
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            roots.add(dir.resolve("shared").resolve("datasets"));
        }
        for (Path root : roots) {
            if (java.nio.file.Files.isDirectory(root)) {
                try (java.util.stream.Stream<Path> sets = java.nio.file.Files.list(root)) {
                    return sets.filter(set -> java.nio.file.Files.isRegularFile(set.resolve("corpus.jsonl")))
                            .map(set -> set.getFileName().toString()).sorted().toList();
                } catch (java.io.IOException e) {
                    throw new DatasetException("cannot list the shared BEIR sets in " + root + ": " + e.getMessage());
                }
            }
        }
        return List.of();
    }

    /** Loads {@code dir} with the {@code test} split of the qrels. */
    public static BeirDataset load(Path dir) {
        return load(dir, "test");
    }

    /** Loads {@code dir} with the qrels of {@code qrels/<split>.tsv}. */
    public static BeirDataset load(Path dir, String split) {
        List<Document> documents = BeirFiles.readCorpus(dir.resolve("corpus.jsonl"));
        List<Query> queries = BeirFiles.readQueries(dir.resolve("queries.jsonl"));
        Map<String, Map<String, Integer>> qrels = BeirFiles.readQrels(dir.resolve("qrels").resolve(split + ".tsv"));
        return new BeirDataset(documents, queries, qrels);
    }

    /** Corpus documents in file order. */
    public List<Document> documents() {
        return documents;
    }

    /** All queries in file order, judged or not. */
    public List<Query> queries() {
        return queries;
    }

    /** Queries that have at least one judgement with grade &gt; 0: the ones {@link RetrievalMetrics} scores. */
    public List<Query> judgedQueries() {
        List<Query> judged = new ArrayList<>();
        for (Query query : queries) {
            Map<String, Integer> grades = qrels.get(query.id());
            if (grades != null && grades.values().stream().anyMatch(g -> g > 0)) {
                judged.add(query);
            }
        }
        return judged;
    }

    /** Query id to document id to graded relevance (0 means judged not relevant). Unmodifiable. */
    public Map<String, Map<String, Integer>> qrels() {
        return qrels;
    }

    /** Number of qrels lines whose query id is not in queries.jsonl. */
    public int judgementsWithUnknownQuery() {
        return judgementsWithUnknownQuery;
    }

    /** Number of qrels lines whose document id is not in corpus.jsonl. */
    public int judgementsWithUnknownDocument() {
        return judgementsWithUnknownDocument;
    }
}
