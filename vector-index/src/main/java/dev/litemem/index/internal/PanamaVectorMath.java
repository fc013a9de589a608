package dev.litemem.index.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels (SIMD with FMA). Only touched through {@link VectorMaths} when the jdk.incubator.vector module
 * is in the boot layer; otherwise this class is never loaded.
 */
final class PanamaVectorMath implements VectorMath {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Override
    public float dot(float[] a, float[] b) {
        int i = 0;
        float sum = 0;
        int lanes = SPECIES.length();
        if (a.length >= 2 * lanes) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            int bound = a.length - a.length % (2 * lanes);
            for (; i < bound; i += 2 * lanes) {
                acc0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc0);
                acc1 = FloatVector.fromArray(SPECIES, a, i + lanes)
                        .fma(FloatVector.fromArray(SPECIES, b, i + lanes), acc1);
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < a.length; i++) {
            sum = Math.fma(a[i], b[i], sum);
        }
        return sum;
    }

    @Override
    public float squaredDistance(float[] a, float[] b) {
        int i = 0;
        float sum = 0;
        int lanes = SPECIES.length();
        if (a.length >= 2 * lanes) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            int bound = a.length - a.length % (2 * lanes);
            for (; i < bound; i += 2 * lanes) {
                FloatVector d0 = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
                FloatVector d1 = FloatVector.fromArray(SPECIES, a, i + lanes)
                        .sub(FloatVector.fromArray(SPECIES, b, i + lanes));
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < a.length; i++) {
            float d = a[i] - b[i];
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    @Override
    public String name() {
        return "vector-api-" + SPECIES.vectorBitSize() + "bit";
    }
}
