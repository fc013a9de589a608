package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Retrieval quality is measured, not assumed: `litemem eval` on the shared MS MARCO subset, with the bundled model and
 * the default settings, stays within 0.01 nDCG@10 of what was measured when the defaults were chosen.
 */
class EvalPinTest {
    /** nDCG@10 per mode, measured with all-minilm-l6-v2 (256 tokens), HNSW M=16 efC=200, hybrid w=0.8 k=20. */
    private static final Map<String, Double> MSMARCO_NDCG_AT_10 = Map.of(
            "semantic", 0.7977, "keyword", 0.7205, "hybrid", 0.8029);

    @Test
    void msmarcoNdcgAt10StaysWhereItWasMeasured() throws Exception {
        Path set = sharedDataset("msmarco");
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        int exit = cli.execute("eval", set.toString(), "--json");
        assertEquals(Main.EXIT_OK, exit, out.toString());
        Map<String, Double> measured = new HashMap<>();
        for (String line : out.toString().split("\n")) {
            JsonNode row = new ObjectMapper().readTree(line);
            measured.put(row.get("mode").asText(), row.get("ndcg@10").asDouble());
            assertEquals(43, row.get("queries").asInt(), "judged queries scored");
        }
        MSMARCO_NDCG_AT_10.forEach((mode, pinned) ->
                assertEquals(pinned, measured.get(mode), 0.01, mode + " nDCG@10 moved: " + measured));
        assertTrue(measured.get("hybrid") >= Math.max(measured.get("semantic"), measured.get("keyword")) - 0.01,
                "hybrid is no more than 0.01 below the better mode: " + measured);
    }

    /** ../shared/datasets/NAME beside the checkout (CI and developers have it there). */
    static Path sharedDataset(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("datasets").resolve(name);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("../shared/datasets/" + name + " is not beside the checkout");
    }
}
