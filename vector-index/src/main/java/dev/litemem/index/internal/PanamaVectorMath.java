package dev.litemem.index.internal;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels (SIMD with FMA, four independent accumulators so the loop is not bound by FMA latency). Only
 * touched through {@link VectorMaths} when the jdk.incubator.vector module is in the boot layer; otherwise this
 * class is never loaded.
 */
final class PanamaVectorMath implements VectorMath {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** As many int8 lanes as SPECIES has float lanes, widened to floats one vector at a time. */
    private static final VectorSpecies<Byte> CODES = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8));

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        for (int bound = length - 4 * LANES; i <= bound; i += 4 * LANES) {
            acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES), acc1);
            acc2 = FloatVector.fromArray(SPECIES, a, aOffset + i + 2 * LANES)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i + 2 * LANES), acc2);
            acc3 = FloatVector.fromArray(SPECIES, a, aOffset + i + 3 * LANES)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i + 3 * LANES), acc3);
        }
        for (int bound = length - LANES; i <= bound; i += LANES) {
            acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            sum = Math.fma(a[aOffset + i], b[bOffset + i], sum);
        }
        return sum;
    }

    @Override
    public float squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        for (int bound = length - 4 * LANES; i <= bound; i += 4 * LANES) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                    .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
            FloatVector d1 = FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
                    .sub(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES));
            FloatVector d2 = FloatVector.fromArray(SPECIES, a, aOffset + i + 2 * LANES)
                    .sub(FloatVector.fromArray(SPECIES, b, bOffset + i + 2 * LANES));
            FloatVector d3 = FloatVector.fromArray(SPECIES, a, aOffset + i + 3 * LANES)
                    .sub(FloatVector.fromArray(SPECIES, b, bOffset + i + 3 * LANES));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
        }
        for (int bound = length - LANES; i <= bound; i += LANES) {
            FloatVector d = FloatVector.fromArray(SPECIES, a, aOffset + i)
                    .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
            acc0 = d.fma(d, acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    @Override
    public float dotCodes(float[] a, byte[] codes, int offset, int length) {
        int i = 0;
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        for (int bound = length - 2 * LANES; i <= bound; i += 2 * LANES) {
            FloatVector c0 = (FloatVector) ByteVector.fromArray(CODES, codes, offset + i)
                    .convertShape(VectorOperators.B2F, SPECIES, 0);
            FloatVector c1 = (FloatVector) ByteVector.fromArray(CODES, codes, offset + i + LANES)
                    .convertShape(VectorOperators.B2F, SPECIES, 0);
            acc0 = FloatVector.fromArray(SPECIES, a, i).fma(c0, acc0);
            acc1 = FloatVector.fromArray(SPECIES, a, i + LANES).fma(c1, acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            sum = Math.fma(a[i], codes[offset + i], sum);
        }
        return sum;
    }

    @Override
    public String name() {
        return "vector-api-" + SPECIES.vectorBitSize() + "bit";
    }
}
