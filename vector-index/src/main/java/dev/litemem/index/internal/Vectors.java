package dev.litemem.index.internal;

import dev.litemem.index.IndexException;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;

import java.util.Comparator;

/** Input checks and the result order shared by both {@code VectorIndex} implementations. */
final class Vectors {

    /** Best first: the higher score, then the smaller label (the order of exact search). */
    static final Comparator<Neighbor> BEST_FIRST =
            Comparator.comparingDouble((Neighbor n) -> -n.score()).thenComparingLong(Neighbor::label);

    private Vectors() {
    }

    /** A validated copy of a vector as searched (normalized for cosine), with the {@link SourceHash} of the source. */
    record Prepared(float[] vector, int sourceHash) {
    }

    /**
     * A validated vector, not copied: its squared norm and {@link SourceHash}, for an index that copies it into storage
     * of its own with {@link #copyAsSearched} (the same floats as {@link #prepare}'s copy, one copy fewer).
     */
    record Checked(float[] source, double norm, int sourceHash) {
    }

    static Checked check(float[] source, int dimension, Metric metric, String what) {
        double norm = checkedNorm(source, dimension, metric, what);
        return new Checked(source, norm, SourceHash.of(source));
    }

    /** Writes the checked vector as searched (normalized for cosine) into {@code target} at {@code offset}. */
    static void copyAsSearched(Checked c, Metric metric, float[] target, int offset) {
        float[] source = c.source();
        if (metric == Metric.COSINE) {
            float inverse = inverse(c.norm());
            for (int i = 0; i < source.length; i++) {
                target[offset + i] = source[i] * inverse;
            }
        } else {
            System.arraycopy(source, 0, target, offset, source.length);
        }
    }

    static Prepared prepare(float[] source, int dimension, Metric metric, String what) {
        double norm = checkedNorm(source, dimension, metric, what);
        float[] vector = source.clone();
        int hash = SourceHash.of(vector);
        if (metric == Metric.COSINE) {
            scale(vector, norm); // the norm of the check, not computed again: the same as normalizeInPlace's
        }
        return new Prepared(vector, hash);
    }

    /** A query as searched: checked, copied, normalized for cosine. */
    static float[] prepareQuery(float[] query, int k, int dimension, Metric metric) {
        if (k < 1) {
            throw new IndexException("k must be at least 1, got " + k);
        }
        float[] q = checkedCopy(query, dimension, metric, "query");
        if (metric == Metric.COSINE) {
            normalizeInPlace(q);
        }
        return q;
    }

    static float[] checkedCopy(float[] source, int dimension, Metric metric, String what) {
        checkedNorm(source, dimension, metric, what);
        return source.clone();
    }

    /** Checks the vector (length, finite, not all zeros under cosine) and returns its squared norm. */
    private static double checkedNorm(float[] source, int dimension, Metric metric, String what) {
        if (source == null) {
            throw new IndexException(what + " is null");
        }
        if (source.length != dimension) {
            throw new IndexException(what + " has dimension " + source.length + " but the index has " + dimension);
        }
        double norm = 0;
        for (float x : source) {
            if (!Float.isFinite(x)) {
                throw new IndexException(what + " contains NaN or Infinity: embed again or drop the record");
            }
            norm += (double) x * x;
        }
        if (metric == Metric.COSINE && norm == 0) {
            throw new IndexException(what + " is all zeros, which has no cosine similarity to anything");
        }
        return norm;
    }

    static void normalizeInPlace(float[] vector) {
        double norm = 0;
        for (float x : vector) {
            norm += (double) x * x;
        }
        scale(vector, norm);
    }

    private static float inverse(double norm) {
        return (float) (1 / Math.sqrt(norm));
    }

    /** Divides the vector by the square root of {@code norm}, its squared norm. */
    private static void scale(float[] vector, double norm) {
        float inverse = inverse(norm);
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= inverse;
        }
    }
}
