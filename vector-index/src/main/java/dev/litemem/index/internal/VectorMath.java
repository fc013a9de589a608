package dev.litemem.index.internal;

/** The distance kernels: the hot path of both graph and exact search. Arrays must have equal length. */
public interface VectorMath {

    float dot(float[] a, float[] b);

    float squaredDistance(float[] a, float[] b);

    /** Short name for logs and benchmarks. */
    String name();
}
