package dev.litemem.index.internal;

/**
 * The distance kernels: the hot path of both graph and exact search. The offset forms read {@code length} floats
 * of each array from its offset (vectors in a {@link VectorStore} chunk); the short forms compare whole arrays of
 * equal length.
 */
public interface VectorMath {

    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    float squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** The dot product of {@code length} floats of {@code a} with {@code length} int8 codes from {@code offset}. */
    float dotCodes(float[] a, byte[] codes, int offset, int length);

    default float dot(float[] a, float[] b) {
        return dot(a, 0, b, 0, a.length);
    }

    default float squaredDistance(float[] a, float[] b) {
        return squaredDistance(a, 0, b, 0, a.length);
    }

    /** Short name for logs and benchmarks. */
    String name();
}
