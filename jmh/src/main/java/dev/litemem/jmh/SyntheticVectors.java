package dev.litemem.jmh;

import java.util.Random;

/** A Gaussian mixture, L2-normalized, from a fixed seed (the shape of sentence embeddings, without a model). */
final class SyntheticVectors {

    private SyntheticVectors() {
    }

    static float[][] clustered(int count, int dimension, int clusters, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[clusters][dimension];
        for (float[] centre : centres) {
            for (int d = 0; d < dimension; d++) {
                centre[d] = (float) random.nextGaussian();
            }
        }
        float[][] vectors = new float[count][dimension];
        for (int i = 0; i < count; i++) {
            float[] centre = centres[random.nextInt(clusters)];
            double norm = 0;
            for (int d = 0; d < dimension; d++) {
                vectors[i][d] = centre[d] + 0.6f * (float) random.nextGaussian();
                norm += vectors[i][d] * vectors[i][d];
            }
            float inverse = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < dimension; d++) {
                vectors[i][d] *= inverse;
            }
        }
        return vectors;
    }
}
