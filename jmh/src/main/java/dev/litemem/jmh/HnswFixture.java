package dev.litemem.jmh;

import dev.litemem.datasets.GaussianMixture;
import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.HnswParams;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * 100k synthetic normalized 384-dimension vectors (datasets' GaussianMixture: 100 clusters, noise 0.6, fixed seed;
 * the queries are another stream of the same mixture) and their HNSW index (M=16,
 * efConstruction=200). Building takes minutes, so the first run writes a checkpoint next to the working directory
 * ({@code target/}) and later runs load it.
 */
final class HnswFixture {

    static final int DIMENSION = 384;
    static final long SEED = 384_100_000L;
    static final CheckpointIdentity IDENTITY =
            new CheckpointIdentity("jmh-synthetic", "gaussian-mixture-100", DIMENSION, Metric.COSINE,
                    HnswParams.DEFAULTS);

    final int count;
    final float[][] vectors;
    final float[][] queries;

    HnswFixture(int count, int queryCount) {
        this.count = count;
        GaussianMixture mixture = new GaussianMixture(DIMENSION, 100, 0.6, true, SEED);
        this.vectors = mixture.sample(count, 1);
        this.queries = mixture.sample(queryCount, 2);
    }

    VectorIndex build(int threads) {
        VectorIndex index = VectorIndex.create(DIMENSION, Metric.COSINE, HnswParams.DEFAULTS);
        long[] labels = new long[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i;
        }
        index.addAll(labels, vectors, threads);
        return index;
    }

    VectorIndex load(Path checkpoint) throws IOException {
        try (InputStream in = Files.newInputStream(checkpoint)) {
            return VectorIndex.readCheckpoint(in, IDENTITY, label -> label >= 0 && label < count
                    ? vectors[(int) label] : null);
        }
    }

    void write(VectorIndex index, Path checkpoint) throws IOException {
        Files.createDirectories(checkpoint.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(checkpoint)) {
            index.writeCheckpoint(out, IDENTITY);
        }
    }

    static Path cachePath(int count) {
        return Path.of("target", "hnsw-gm-" + count + "x" + DIMENSION + ".ckpt");
    }

    /** The cached index when its checkpoint exists, otherwise built (2 threads) and cached. */
    VectorIndex loadOrBuild() throws IOException {
        Path cache = cachePath(count);
        if (Files.exists(cache)) {
            return load(cache);
        }
        long start = System.nanoTime();
        VectorIndex index = build(2);
        System.out.printf("%nbuilt %d x %d in %.1f s (2 threads)%n", count, DIMENSION,
                (System.nanoTime() - start) / 1e9);
        write(index, cache);
        return index;
    }

    /** Mean recall@k of graph search at {@code ef} against exact search over the first {@code queries} queries. */
    double recall(VectorIndex index, int k, int ef, int queryCount) {
        long hits = 0;
        long total = 0;
        for (int q = 0; q < queryCount; q++) {
            Set<Long> truth = new HashSet<>();
            index.searchExact(queries[q], k, null).forEach(n -> truth.add(n.label()));
            List<Neighbor> found = index.search(queries[q], k, ef, null);
            for (Neighbor neighbor : found) {
                hits += truth.contains(neighbor.label()) ? 1 : 0;
            }
            total += truth.size();
        }
        return (double) hits / total;
    }
}
