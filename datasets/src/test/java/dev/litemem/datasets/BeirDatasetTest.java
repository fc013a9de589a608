package dev.litemem.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirDatasetTest {
    @TempDir
    Path dir;

    private void write(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private void writeValidSet(String... qrelsLines) throws IOException {
        write("corpus.jsonl",
                "{\"_id\": \"d1\", \"title\": \"First\", \"text\": \"alpha text\", \"metadata\": {\"k\": 1}}",
                "{\"_id\": \"d2\", \"text\": \"beta text\"}",
                "",
                "{\"_id\": \"d3\", \"title\": null, \"text\": \"gamma \\u00e9\"}");
        write("queries.jsonl",
                "{\"_id\": \"q1\", \"text\": \"what is alpha\", \"metadata\": {}}",
                "{\"_id\": \"q2\", \"text\": \"what is beta\"}",
                "{\"_id\": \"q3\", \"text\": \"never judged\"}");
        write("qrels/test.tsv", qrelsLines);
    }

    @Test
    void loadsDocumentsQueriesAndGradedQrels() throws IOException {
        writeValidSet("query-id\tcorpus-id\tscore", "q1\td1\t2", "q1\td2\t0", "q2\td2\t1");
        BeirDataset set = BeirDataset.load(dir);

        assertEquals(List.of(new BeirDataset.Document("d1", "First", "alpha text"),
                new BeirDataset.Document("d2", "", "beta text"),
                new BeirDataset.Document("d3", "", "gamma \u00e9")), set.documents());
        assertEquals(3, set.queries().size());
        assertEquals(Map.of("q1", Map.of("d1", 2, "d2", 0), "q2", Map.of("d2", 1)), set.qrels());
        assertEquals(List.of("q1", "q2"), set.judgedQueries().stream().map(BeirDataset.Query::id).toList());
        assertEquals(0, set.judgementsWithUnknownQuery());
        assertEquals(0, set.judgementsWithUnknownDocument());
    }

    @Test
    void qrelsWithoutHeaderKeepTheirFirstLine() throws IOException {
        writeValidSet("q1\td1\t1", "q2\td2\t3");
        assertEquals(Map.of("q1", Map.of("d1", 1), "q2", Map.of("d2", 3)), BeirDataset.load(dir).qrels());
    }

    @Test
    void otherSplitIsReadFromItsOwnFile() throws IOException {
        writeValidSet("q1\td1\t1");
        write("qrels/dev.tsv", "query-id\tcorpus-id\tscore", "q2\td3\t1");
        assertEquals(Map.of("q2", Map.of("d3", 1)), BeirDataset.load(dir, "dev").qrels());
    }

    @Test
    void unknownIdsInQrelsAreCountedNotFatal() throws IOException {
        writeValidSet("query-id\tcorpus-id\tscore", "q1\td1\t1", "q1\tmissing-doc\t1", "q9\td2\t1", "q9\tgone\t0");
        BeirDataset set = BeirDataset.load(dir);
        assertEquals(2, set.judgementsWithUnknownQuery());
        assertEquals(2, set.judgementsWithUnknownDocument());
        assertEquals(Map.of("d1", 1, "missing-doc", 1), set.qrels().get("q1"));
    }

    @Test
    void missingFileIsNamed() throws IOException {
        writeValidSet("q1\td1\t1");
        Files.delete(dir.resolve("queries.jsonl"));
        DatasetException e = assertThrows(DatasetException.class, () -> BeirDataset.load(dir));
        assertTrue(e.getMessage().contains("queries.jsonl") && e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void malformedJsonLineReportsFileAndLineWithoutItsText() throws IOException {
        writeValidSet("q1\td1\t1");
        write("corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"ok\"}", "{\"_id\": \"d2\", \"text\": \"secret words");
        DatasetException e = assertThrows(DatasetException.class, () -> BeirDataset.load(dir));
        assertTrue(e.getMessage().contains("corpus.jsonl line 2"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void missingFieldsAndDuplicateIdsAreErrors() throws IOException {
        writeValidSet("q1\td1\t1");
        write("queries.jsonl", "{\"_id\": \"q1\", \"text\": \"a\"}", "{\"text\": \"no id\"}");
        DatasetException noId = assertThrows(DatasetException.class, () -> BeirDataset.load(dir));
        assertTrue(noId.getMessage().contains("queries.jsonl line 2") && noId.getMessage().contains("_id"),
                noId.getMessage());

        write("queries.jsonl", "{\"_id\": \"q1\", \"text\": \"a\"}", "{\"_id\": \"q1\", \"text\": \"b\"}");
        DatasetException duplicate = assertThrows(DatasetException.class, () -> BeirDataset.load(dir));
        assertTrue(duplicate.getMessage().contains("line 2") && duplicate.getMessage().contains("duplicate"),
                duplicate.getMessage());

        write("queries.jsonl", "[1, 2]");
        assertThrows(DatasetException.class, () -> BeirDataset.load(dir));

        write("queries.jsonl", "{\"_id\": \"q1\", \"text\": \"a\"} {\"_id\": \"q2\", \"text\": \"b\"}");
        DatasetException twoObjects = assertThrows(DatasetException.class, () -> BeirDataset.load(dir));
        assertTrue(twoObjects.getMessage().contains("queries.jsonl line 1"), twoObjects.getMessage());
    }

    @Test
    void badQrelsLinesReportTheirLine() throws IOException {
        writeValidSet("query-id\tcorpus-id\tscore", "q1\td1\t1", "q1\td2");
        DatasetException columns = assertThrows(DatasetException.class, () -> BeirDataset.load(dir));
        assertTrue(columns.getMessage().contains("test.tsv line 3") && columns.getMessage().contains("3 tab"),
                columns.getMessage());

        writeValidSet("query-id\tcorpus-id\tscore", "q1\td1\thigh");
        DatasetException grade = assertThrows(DatasetException.class, () -> BeirDataset.load(dir));
        assertTrue(grade.getMessage().contains("line 2") && grade.getMessage().contains("integer"), grade.getMessage());

        writeValidSet("q1\td1\t1", "q1\td1\t2");
        DatasetException conflict = assertThrows(DatasetException.class, () -> BeirDataset.load(dir));
        assertTrue(conflict.getMessage().contains("line 2"), conflict.getMessage());
    }

    @Test
    void invalidUtf8IsReported() throws IOException {
        writeValidSet("q1\td1\t1");
        Files.write(dir.resolve("corpus.jsonl"), new byte[] {'{', '"', '_', 'i', 'd', '"', ':', '"', (byte) 0xC3, '"'});
        DatasetException e = assertThrows(DatasetException.class, () -> BeirDataset.load(dir));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    /** The shared BEIR subsets: -Dlitemem.beir.dir, $LITEMEM_BEIR_DIR, or shared/datasets beside the checkout. */
    @Test
    void loadsTheSharedBeirSubsets() {
        Path root = BeirDataset.findShared("msmarco").map(Path::getParent).orElse(null);
        assumeTrue(root != null, "shared BEIR subsets not found (set -Dlitemem.beir.dir or LITEMEM_BEIR_DIR)");

        BeirDataset msmarco = BeirDataset.load(root.resolve("msmarco"));
        assertEquals(5000, msmarco.documents().size());
        assertEquals(50, msmarco.queries().size());
        assertEquals(43, msmarco.judgedQueries().size());
        assertEquals(4102, msmarco.qrels().values().stream().mapToInt(Map::size).sum(), "headerless first line kept");

        BeirDataset dbpedia = BeirDataset.load(root.resolve("dbpedia"));
        assertEquals(3709, dbpedia.qrels().values().stream().mapToInt(Map::size).sum());
        assertEquals(40, dbpedia.judgedQueries().size());
        assertEquals(0, dbpedia.judgementsWithUnknownDocument());

        BeirDataset reports = BeirDataset.load(root.resolve("business-reports"));
        assertEquals(671, reports.documents().size());
        assertEquals(11, reports.judgedQueries().size());

        // Ranking each query's judged documents by grade is the ideal ranking: nDCG and MRR are exactly 1.
        Map<String, List<String>> ideal = new HashMap<>();
        dbpedia.qrels().forEach((query, grades) -> ideal.put(query, grades.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(Map.Entry::getKey).toList()));
        RetrievalMetrics.Scores scores = RetrievalMetrics.evaluate(ideal, dbpedia.qrels());
        assertEquals(40, scores.queriesScored());
        assertEquals(1.0, scores.ndcgAt10(), 1e-12);
        assertEquals(1.0, scores.mrrAt10(), 1e-12);
        assertTrue(scores.recallAt10() < 1.0, "some dbpedia queries have more than 10 relevant documents");
    }
}
