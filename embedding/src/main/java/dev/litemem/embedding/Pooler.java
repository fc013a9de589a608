package dev.litemem.embedding;

/** Mean or CLS pooling and L2 normalization of token embeddings, in plain Java. */
final class Pooler {
    private Pooler() {
    }

    static float[][] pool(HiddenStateTranslator.Hidden hidden, TokenBatch batch, Pooling pooling, boolean normalize) {
        float[] values = hidden.values();
        int dimension = hidden.dimension();
        int length = batch.length();
        float[][] vectors = new float[batch.rows()][];
        for (int r = 0; r < batch.rows(); r++) {
            float[] vector = new float[dimension];
            int rowBase = r * length * dimension;
            if (pooling == Pooling.CLS) {
                System.arraycopy(values, rowBase, vector, 0, dimension);
            } else {
                meanInto(vector, values, rowBase, batch.mask(), r * length, length);
            }
            if (normalize) {
                normalizeInPlace(vector);
            }
            vectors[r] = vector;
        }
        return vectors;
    }

    private static void meanInto(float[] vector, float[] values, int rowBase, long[] mask, int maskBase, int length) {
        int dimension = vector.length;
        int count = 0;
        for (int t = 0; t < length; t++) {
            if (mask[maskBase + t] == 0) {
                continue;
            }
            count++;
            int base = rowBase + t * dimension;
            for (int d = 0; d < dimension; d++) {
                vector[d] += values[base + d];
            }
        }
        float inverse = 1f / Math.max(count, 1);
        for (int d = 0; d < dimension; d++) {
            vector[d] *= inverse;
        }
    }

    private static void normalizeInPlace(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        // Same epsilon as torch.nn.functional.normalize, which sentence-transformers uses.
        float scale = (float) (1.0 / Math.max(Math.sqrt(sum), 1e-12));
        for (int d = 0; d < vector.length; d++) {
            vector[d] *= scale;
        }
    }
}
