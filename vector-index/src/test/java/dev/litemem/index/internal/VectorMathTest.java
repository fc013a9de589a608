package dev.litemem.index.internal;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorMathTest {

    private static final int[] LENGTHS = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 384, 385, 768, 1001};

    @Test
    void theTestRunHasTheVectorApiAndPrefersIt() {
        VectorMath vectorApi = VectorMaths.vectorApiOrNull();
        assertNotNull(vectorApi, "tests run with --add-modules jdk.incubator.vector (parent pom argLine)");
        assertTrue(VectorMaths.preferred().name().startsWith("vector-api"), VectorMaths.preferred().name());
        assertSame(VectorMaths.preferred().getClass(), vectorApi.getClass());
    }

    @Test
    void vectorApiAndScalarAgreeOnDotAndSquaredDistance() {
        VectorMath vectorApi = VectorMaths.vectorApiOrNull();
        VectorMath scalar = ScalarVectorMath.INSTANCE;
        Random random = new Random(42);
        for (int length : LENGTHS) {
            for (int trial = 0; trial < 20; trial++) {
                float[] a = randomVector(random, length);
                float[] b = randomVector(random, length);
                double exactDot = 0;
                double magnitude = 0;
                double exactSquared = 0;
                for (int i = 0; i < length; i++) {
                    exactDot += (double) a[i] * b[i];
                    magnitude += Math.abs((double) a[i] * b[i]);
                    exactSquared += (double) (a[i] - b[i]) * (a[i] - b[i]);
                }
                // Relative to the sum of magnitudes: a dot product near zero has no meaningful relative error.
                double tolerance = 1e-4 * Math.max(magnitude, 1e-30);
                assertEquals(exactDot, vectorApi.dot(a, b), tolerance, "vector api dot, length " + length);
                assertEquals(exactDot, scalar.dot(a, b), tolerance, "scalar dot, length " + length);
                assertEquals(scalar.dot(a, b), vectorApi.dot(a, b), tolerance, "dot, length " + length);
                double squaredTolerance = 1e-4 * Math.max(exactSquared, 1e-30);
                assertEquals(exactSquared, vectorApi.squaredDistance(a, b), squaredTolerance, "vector api l2 " + length);
                assertEquals(exactSquared, scalar.squaredDistance(a, b), squaredTolerance, "scalar l2 " + length);
            }
        }
    }

    @Test
    void offsetFormsReadOnlyTheirWindow() {
        VectorMath[] kernels = {VectorMaths.vectorApiOrNull(), ScalarVectorMath.INSTANCE};
        Random random = new Random(7);
        for (int length : LENGTHS) {
            float[] a = randomVector(random, length);
            float[] b = randomVector(random, length);
            // The same vectors inside larger arrays, surrounded by values that would change any sum they leaked into.
            int aOffset = 3 + random.nextInt(40);
            int bOffset = 5 * length + random.nextInt(40);
            float[] paddedA = filled(aOffset + length + 50, 1e6f);
            float[] paddedB = filled(bOffset + length + 50, -1e6f);
            System.arraycopy(a, 0, paddedA, aOffset, length);
            System.arraycopy(b, 0, paddedB, bOffset, length);
            for (VectorMath kernel : kernels) {
                assertEquals(kernel.dot(a, b), kernel.dot(paddedA, aOffset, paddedB, bOffset, length),
                        kernel.name() + " dot, length " + length);
                assertEquals(kernel.squaredDistance(a, b),
                        kernel.squaredDistance(paddedA, aOffset, paddedB, bOffset, length),
                        kernel.name() + " l2, length " + length);
            }
        }
    }

    @Test
    void codeKernelsAgreeWithTheExactSumAndReadOnlyTheirWindow() {
        VectorMath[] kernels = {VectorMaths.vectorApiOrNull(), ScalarVectorMath.INSTANCE};
        Random random = new Random(11);
        for (int length : LENGTHS) {
            float[] a = randomVector(random, length);
            int offset = 1 + random.nextInt(30);
            byte[] codes = new byte[offset + length + 40];
            random.nextBytes(codes); // the padding too: a leak into the sum would show
            double exact = 0;
            double magnitude = 0;
            for (int i = 0; i < length; i++) {
                exact += (double) a[i] * codes[offset + i];
                magnitude += Math.abs((double) a[i] * codes[offset + i]);
            }
            for (VectorMath kernel : kernels) {
                assertEquals(exact, kernel.dotCodes(a, codes, offset, length), 1e-4 * Math.max(magnitude, 1e-30),
                        kernel.name() + " codes, length " + length);
            }
        }
    }

    private static float[] filled(int length, float value) {
        float[] array = new float[length];
        java.util.Arrays.fill(array, value);
        return array;
    }

    @Test
    void identicalVectorsHaveZeroDistance() {
        float[] a = randomVector(new Random(1), 385);
        assertEquals(0f, VectorMaths.vectorApiOrNull().squaredDistance(a, a));
        assertEquals(0f, ScalarVectorMath.INSTANCE.squaredDistance(a, a));
    }

    private static float[] randomVector(Random random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = (float) (random.nextGaussian() * (1 + random.nextInt(3)));
        }
        return v;
    }
}
