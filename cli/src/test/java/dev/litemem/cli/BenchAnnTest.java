package dev.litemem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litemem.datasets.DistanceMetric;
import dev.litemem.datasets.GaussianMixture;
import dev.litemem.datasets.GroundTruth;
import dev.litemem.datasets.VectorFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench ann} on a small generated set: through a LiteMem file, and the index alone per implementation. */
class BenchAnnTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void vectors() throws IOException {
        GaussianMixture mixture = new GaussianMixture(16, 8, 0.6, true, 11);
        float[][] base = mixture.sample(1500, 1);
        float[][] queries = mixture.sample(50, 2);
        VectorFiles.writeFvecs(dir.resolve("base.fvecs"), base);
        VectorFiles.writeFvecs(dir.resolve("queries.fvecs"), queries);
        VectorFiles.writeIvecs(dir.resolve("gt.ivecs"), GroundTruth.compute(base, queries, 10, DistanceMetric.INNER_PRODUCT));
    }

    private static JsonNode bench(String... extra) throws IOException, InterruptedException {
        String[] args = {"bench", "ann", "--base", "base.fvecs", "--queries", "queries.fvecs", "--gt", "gt.ivecs",
                "--ef", "16,64", "--passes", "1", "--threads", "2", "--json"};
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        Cli.Result result = Cli.run(dir, all);
        assertEquals(0, result.exit(), result.toString());
        return new ObjectMapper().readTree(result.lastLine());
    }

    @Test
    void throughALiteMemFileAndForEachImplementation() throws IOException, InterruptedException {
        JsonNode full = bench();
        assertEquals(1500, full.get("n").asInt());
        assertTrue(full.get("checkpoint_bytes").asLong() > 0);
        assertTrue(full.get("api_qps").asDouble() > 0 && full.get("api_index_qps").asDouble() > 0, full.toString());
        assertEquals(full.get("api_qps").asDouble() / full.get("api_index_qps").asDouble(),
                full.get("api_ratio").asDouble(), 1e-9);
        assertTrue(full.get("curve").get(1).get("recall@10").asDouble() >= 0.95, full.toString());
        for (String impl : new String[] {"litemem", "hnswlib-core"}) {
            JsonNode alone = bench("--impl", impl);
            assertEquals(impl, alone.get("implementation").asText());
            assertTrue(alone.get("build_s").asDouble() > 0);
            assertTrue(alone.get("memory_bytes").asLong() > 1500L * 16 * 4, alone.toString());
            assertTrue(alone.get("curve").get(1).get("recall@10").asDouble() >= 0.95, alone.toString());
        }
    }

    @Test
    void anUnknownImplementationIsABadUsage() throws IOException, InterruptedException {
        Cli.Result result = Cli.run(dir, "bench", "ann", "--base", "base.fvecs", "--queries", "queries.fvecs",
                "--gt", "gt.ivecs", "--impl", "faiss");
        assertEquals(2, result.exit(), result.toString());
        assertTrue(result.err().contains("--impl must be litemem or hnswlib-core"), result.err());
    }
}
