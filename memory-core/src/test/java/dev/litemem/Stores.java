package dev.litemem;

import java.util.Random;

/** Helpers shared by the core tests. */
final class Stores {
    private Stores() {
    }

    static float[] randomVector(Random random, int dimension) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    static String integrityCheck(LiteMem mem) {
        return mem.withReadHandle(h -> h.createQuery("PRAGMA integrity_check").mapTo(String.class).one());
    }
}
