package dev.litemem.internal.memory;

import java.util.Map;

/**
 * The default near-duplicate cosine per embedding model, measured on rewordings and different facts in almost the same
 * words (embedding's NearDuplicateThresholdTest; figures in docs/MEMORY.md). Each sits above every different fact
 * measured (all-minilm-l6-v2 gives a negation 0.983, bge-small-en-v1.5 another number 0.946), since a false merge loses
 * a fact while a missed one only keeps two wordings; deciding by meaning is the consolidation policy's job.
 */
final class Thresholds {
    /** For a model not measured: high, so that only near-identical wordings are merged. */
    static final double UNKNOWN_MODEL = 0.95;
    private static final Map<String, Double> BY_MODEL = Map.of(
            "all-minilm-l6-v2", 0.985,
            "bge-small-en-v1.5", 0.95,
            "test-words-32", 0.95);

    private Thresholds() {
    }

    static double forModel(String model) {
        return BY_MODEL.getOrDefault(model, UNKNOWN_MODEL);
    }
}
