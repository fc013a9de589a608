package dev.litemem.datasets;

/**
 * The TEXMEX vector file formats (as used by SIFT1M, GIST1M and ann-benchmarks): each vector is a little-endian int32
 * dimension followed by that many components, and every vector of a file has the same dimension.
 */
public enum VectorFormat {
    /** float32 components. */
    FVECS(Float.BYTES),
    /** int32 components, used for ground-truth neighbour ids. */
    IVECS(Integer.BYTES),
    /** unsigned 8-bit components (read as floats 0..255). */
    BVECS(1);

    private final int componentBytes;

    VectorFormat(int componentBytes) {
        this.componentBytes = componentBytes;
    }

    /** Bytes per component. */
    public int componentBytes() {
        return componentBytes;
    }

    /** Bytes of one stored vector of the given dimension, header included. */
    public long recordBytes(int dimension) {
        return Integer.BYTES + (long) dimension * componentBytes;
    }
}
