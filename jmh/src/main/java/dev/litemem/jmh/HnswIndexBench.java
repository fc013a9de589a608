package dev.litemem.jmh;

import dev.litemem.index.VectorIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Build, checkpoint and load figures that JMH does not fit (each runs once and takes seconds to minutes):
 * build time, checkpoint size in bytes per vector, checkpoint write and load time against a rebuild, and
 * recall@10 with single-thread QPS per ef (median of 3 passes).
 * <p>
 * {@code java --add-modules jdk.incubator.vector -Xmx3g -cp jmh/target/benchmarks.jar dev.litemem.jmh.HnswIndexBench [count]}
 */
public final class HnswIndexBench {

    private HnswIndexBench() {
    }

    public static void main(String[] args) throws IOException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        HnswFixture fixture = new HnswFixture(count, 1000);
        System.out.printf("%d x %d, M=16, efConstruction=200, cosine%n", count, HnswFixture.DIMENSION);

        long start = System.nanoTime();
        VectorIndex index = fixture.build(2);
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("build (2 threads): %.1f s%n", buildSeconds);

        Path checkpoint = HnswFixture.cachePath(count); // HnswSearchBenchmark then loads instead of building
        Files.createDirectories(checkpoint.toAbsolutePath().getParent());
        double[] writes = new double[3];
        for (int i = 0; i < writes.length; i++) {
            start = System.nanoTime();
            fixture.write(index, checkpoint);
            writes[i] = (System.nanoTime() - start) / 1e9;
        }
        long bytes = Files.size(checkpoint);
        long vectorBytes = (long) count * HnswFixture.DIMENSION * Float.BYTES;
        System.out.printf("checkpoint: %d bytes, %.1f bytes/vector, %.1f%% of the vectors' %d bytes%n",
                bytes, (double) bytes / count, 100.0 * bytes / vectorBytes, vectorBytes);
        System.out.printf("checkpoint write: %.3f s (median of 3)%n", median(writes));

        double[] loads = new double[3];
        VectorIndex loaded = null;
        for (int i = 0; i < loads.length; i++) {
            start = System.nanoTime();
            loaded = fixture.load(checkpoint);
            loads[i] = (System.nanoTime() - start) / 1e9;
        }
        System.out.printf("checkpoint load: %.3f s (median of 3) = 1/%.0f of the build%n", median(loads),
                buildSeconds / median(loads));
        System.out.printf("loaded recall@10 at ef 64: %.3f (original %.3f)%n",
                fixture.recall(loaded, 10, 64, 200), fixture.recall(index, 10, 64, 200));

        for (int ef : new int[] {16, 32, 64}) {
            double[] qps = new double[3];
            for (int pass = 0; pass < 4; pass++) { // pass 0 warms up
                start = System.nanoTime();
                for (float[] query : fixture.queries) {
                    index.search(query, 10, ef, null);
                }
                if (pass > 0) {
                    qps[pass - 1] = fixture.queries.length / ((System.nanoTime() - start) / 1e9);
                }
            }
            System.out.printf("ef %d: recall@10 %.3f, %.0f QPS (1 thread, median of 3 passes)%n",
                    ef, fixture.recall(index, 10, ef, 1000), median(qps));
        }
        double[] exact = new double[3];
        for (int pass = 0; pass < 3; pass++) {
            start = System.nanoTime();
            for (int q = 0; q < 100; q++) {
                index.searchExact(fixture.queries[q], 10, null);
            }
            exact[pass] = 100 / ((System.nanoTime() - start) / 1e9);
        }
        System.out.printf("exact scan: %.0f QPS%n", median(exact));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
