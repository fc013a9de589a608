package dev.litemem.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GaussianMixtureTest {

    @Test
    void sameSeedGivesSameVectorsAndOtherSeedsOrStreamsDoNot() {
        float[][] a = new GaussianMixture(16, 4, 1.0, true, 42).sample(200, 1);
        float[][] b = new GaussianMixture(16, 4, 1.0, true, 42).sample(200, 1);
        assertTrue(Arrays.deepEquals(a, b));
        assertFalse(Arrays.deepEquals(a, new GaussianMixture(16, 4, 1.0, true, 43).sample(200, 1)));
        assertFalse(Arrays.deepEquals(a, new GaussianMixture(16, 4, 1.0, true, 42).sample(200, 2)));
        // A vector does not depend on how many are drawn after it.
        assertTrue(Arrays.deepEquals(Arrays.copyOf(a, 50), new GaussianMixture(16, 4, 1.0, true, 42).sample(50, 1)));
    }

    @Test
    void normalizedVectorsHaveUnitLength() {
        for (float[] v : new GaussianMixture(64, 10, 1.0, true, 1).sample(100, 1)) {
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-5);
        }
    }

    @Test
    void vectorsAreClusteredAroundFewCentres() {
        // With no noise every vector is a copy of one of the 3 centres.
        float[][] vectors = new GaussianMixture(8, 3, 0.0, false, 5).sample(300, 1);
        long distinct = Arrays.stream(vectors).map(Arrays::toString).distinct().count();
        assertEquals(3, distinct);

        // With noise, vectors of one cluster are much closer to each other than to other clusters.
        float[][] noisy = new GaussianMixture(128, 2, 0.5, true, 9).sample(100, 1);
        int nearCopies = 0;
        for (float[] v : noisy) {
            double cosine = 0;
            for (int i = 0; i < v.length; i++) {
                cosine += v[i] * noisy[0][i];
            }
            if (cosine > 0.5) {
                nearCopies++;
            }
        }
        assertTrue(nearCopies > 20 && nearCopies < 80, "about half share vector 0's cluster: " + nearCopies);
    }

    @Test
    void invalidParametersAreRejected() {
        assertThrows(DatasetException.class, () -> new GaussianMixture(0, 1, 1, true, 1));
        assertThrows(DatasetException.class, () -> new GaussianMixture(4, 0, 1, true, 1));
        assertThrows(DatasetException.class, () -> new GaussianMixture(4, 1, Double.NaN, true, 1));
        assertThrows(DatasetException.class, () -> new GaussianMixture(4, 1, 1, true, 1).sample(3, 0));
    }
}
