package dev.litemem.index.internal;

/** Plain Java loops; used when the Vector API module is not enabled. */
public final class ScalarVectorMath implements VectorMath {

    public static final ScalarVectorMath INSTANCE = new ScalarVectorMath();

    private ScalarVectorMath() {
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        // Four accumulators: the JIT does not reorder float additions, so one accumulator serialises on latency.
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        int bound = length & ~3;
        for (; i < bound; i += 4) {
            s0 += a[aOffset + i] * b[bOffset + i];
            s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
            s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
            s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
        }
        for (; i < length; i++) {
            s0 += a[aOffset + i] * b[bOffset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        int bound = length & ~3;
        for (; i < bound; i += 4) {
            float d0 = a[aOffset + i] - b[bOffset + i];
            float d1 = a[aOffset + i + 1] - b[bOffset + i + 1];
            float d2 = a[aOffset + i + 2] - b[bOffset + i + 2];
            float d3 = a[aOffset + i + 3] - b[bOffset + i + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float dotCodes(float[] a, byte[] codes, int offset, int length) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        int bound = length & ~3;
        for (; i < bound; i += 4) {
            s0 += a[i] * codes[offset + i];
            s1 += a[i + 1] * codes[offset + i + 1];
            s2 += a[i + 2] * codes[offset + i + 2];
            s3 += a[i + 3] * codes[offset + i + 3];
        }
        for (; i < length; i++) {
            s0 += a[i] * codes[offset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public String name() {
        return "scalar";
    }
}
