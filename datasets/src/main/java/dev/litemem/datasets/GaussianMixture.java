package dev.litemem.datasets;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Clustered synthetic vectors: {@code clusters} centres drawn from N(0, I), and each vector a uniformly chosen centre
 * plus N(0, spread^2 I) noise, optionally L2-normalized. With spread 1 two vectors of one cluster have an expected
 * cosine of about 0.5 and vectors of different clusters about 0.
 *
 * <p>Output depends only on the parameters: every vector has its own random stream derived from (seed, stream,
 * index), so generation runs in parallel yet is reproducible, and the arithmetic uses StrictMath so it is identical
 * on every JVM.
 */
public final class GaussianMixture {
    private static final long CENTRE_STREAM = 0;

    private final int dimension;
    private final int clusters;
    private final double spread;
    private final boolean normalize;
    private final long seed;
    private final double[][] centres;

    public GaussianMixture(int dimension, int clusters, double spread, boolean normalize, long seed) {
        if (dimension <= 0 || clusters <= 0) {
            throw new DatasetException("dimension and clusters must be positive, got " + dimension + " and " + clusters);
        }
        if (!(spread >= 0) || Double.isInfinite(spread)) {
            throw new DatasetException("spread must be a finite number >= 0, got " + spread);
        }
        this.dimension = dimension;
        this.clusters = clusters;
        this.spread = spread;
        this.normalize = normalize;
        this.seed = seed;
        this.centres = new double[clusters][];
        for (int c = 0; c < clusters; c++) {
            SplittableRandom random = random(CENTRE_STREAM, c);
            centres[c] = new double[dimension];
            for (int i = 0; i < dimension; i++) {
                centres[c][i] = gaussian(random);
            }
        }
    }

    public int dimension() {
        return dimension;
    }

    /**
     * Draws {@code count} vectors from random stream {@code stream} (use different streams, e.g. 1 for base vectors
     * and 2 for queries, to get independent sets from the same mixture; stream 0 is reserved for the centres).
     */
    public float[][] sample(int count, long stream) {
        if (count < 0) {
            throw new DatasetException("count must be >= 0, got " + count);
        }
        if (stream == CENTRE_STREAM) {
            throw new DatasetException("stream 0 is used for the cluster centres; use a stream >= 1");
        }
        float[][] vectors = new float[count][];
        IntStream.range(0, count).parallel().forEach(i -> vectors[i] = vector(stream, i));
        return vectors;
    }

    private float[] vector(long stream, int index) {
        SplittableRandom random = random(stream, index);
        double[] centre = centres[random.nextInt(clusters)];
        double[] values = new double[dimension];
        double squaredNorm = 0;
        for (int i = 0; i < dimension; i++) {
            values[i] = centre[i] + spread * gaussian(random);
            squaredNorm += values[i] * values[i];
        }
        double scale = normalize && squaredNorm > 0 ? 1 / StrictMath.sqrt(squaredNorm) : 1;
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            vector[i] = (float) (values[i] * scale);
        }
        return vector;
    }

    private SplittableRandom random(long stream, long index) {
        return new SplittableRandom(mix64(mix64(seed ^ mix64(stream + 0x632BE59BD9B4E019L)) + index));
    }

    /** Box-Muller; one value per call keeps each vector's stream simple. */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // (0, 1]
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
    }

    /** Stafford's variant 13 of the MurmurHash3 finalizer. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
