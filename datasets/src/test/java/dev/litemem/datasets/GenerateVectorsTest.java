package dev.litemem.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateVectorsTest {
    @TempDir
    Path dir;

    @Test
    void writesBaseQueriesAndExactGroundTruth() throws IOException {
        Path out = dir.resolve("set");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        GenerateVectors.run(new String[] {"--n", "600", "--dim", "16", "--queries", "12", "--k", "10",
                "--clusters", "6", "--seed", "3", "--out", out.toString(), "--threads", "2"},
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        float[][] base = VectorFiles.readFvecs(out.resolve("base.fvecs"));
        float[][] queries = VectorFiles.readFvecs(out.resolve("queries.fvecs"));
        int[][] truth = VectorFiles.readIvecs(out.resolve("groundtruth.ivecs"));
        assertEquals(600, base.length);
        assertEquals(16, base[0].length);
        assertEquals(12, queries.length);
        assertEquals(12, truth.length);
        assertEquals(10, truth[0].length);

        GaussianMixture mixture = new GaussianMixture(16, 6, 1.0, true, 3);
        assertArrayEquals(mixture.sample(600, 1)[599], base[599]);
        int[][] recomputed = GroundTruth.compute(base, queries, 10, DistanceMetric.INNER_PRODUCT, 1);
        for (int q = 0; q < truth.length; q++) {
            assertArrayEquals(recomputed[q], truth[q]);
            assertEquals(1.0, AnnRecall.recallAtK(truth[q], recomputed[q], 10));
        }
        assertTrue(Files.readString(out.resolve("params.txt")).contains("metric=ip"));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("wrote 600 base"));
    }

    @Test
    void l2MetricDefaultsToUnnormalizedVectors() {
        Path out = GenerateVectors.run(new String[] {"--n=50", "--dim=4", "--queries=3", "--k=5", "--metric=l2",
                "--out=" + dir.resolve("l2")}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        float[] first = VectorFiles.readFvecs(out.resolve("base.fvecs"))[0];
        double norm = 0;
        for (float x : first) {
            norm += x * x;
        }
        assertTrue(Math.abs(Math.sqrt(norm) - 1) > 1e-3, "not normalized");
    }

    @Test
    void badArgumentsAreExplained() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertTrue(assertThrows(DatasetException.class, () -> GenerateVectors.run(new String[] {"--n", "10"}, quiet))
                .getMessage().contains("--out"));
        assertTrue(assertThrows(DatasetException.class,
                () -> GenerateVectors.run(new String[] {"--out", "x", "--bogus", "1"}, quiet))
                .getMessage().contains("unknown option --bogus"));
        assertThrows(DatasetException.class,
                () -> GenerateVectors.run(new String[] {"--out", "x", "--n", "ten"}, quiet));
        assertThrows(DatasetException.class,
                () -> GenerateVectors.run(new String[] {"--out", "x", "--n", "5", "--k", "6"}, quiet));
        assertThrows(DatasetException.class,
                () -> GenerateVectors.run(new String[] {"--out", "x", "--metric", "hamming"}, quiet));
        assertThrows(DatasetException.class, () -> GenerateVectors.run(new String[] {"--out"}, quiet));
    }
}
