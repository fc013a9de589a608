package dev.litemem;

import java.util.Locale;

/**
 * How a hybrid search merges its semantic and keyword lists into one ranking. Each takes the semantic side's weight
 * {@code w} ({@link SearchRequest#semanticWeight(double)}); the keyword side gets {@code 1 - w}. Measured side by side
 * on every BEIR set we have in README, "Retrieval quality".
 */
public enum Fusion {
    /**
     * Weighted reciprocal rank fusion (the default): {@code w / (k + semantic rank) + (1 - w) / (k + keyword rank)},
     * a side that did not return the row adding nothing; {@code k} is {@link SearchRequest#rrfK(int)}. Uses ranks
     * only, so it needs no knowledge of how either side's scores are spread.
     */
    RRF,
    /**
     * Convex combination of scores min-max normalized over each side's list: {@code w * s' + (1 - w) * b'}, each in
     * [0, 1]; a side that did not return the row gives it 0.
     */
    MIN_MAX,
    /**
     * Convex combination of each side's z-scores (score minus the list's mean, over its standard deviation); a side
     * that did not return the row gives it that list's lowest z-score.
     */
    Z_SCORE;

    /** The name used on the command line and over HTTP: rrf, min_max, z_score. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Fusion fromId(String id) {
        for (Fusion fusion : values()) {
            if (fusion.id().equalsIgnoreCase(id.replace('-', '_'))) {
                return fusion;
            }
        }
        throw new InvalidInputException("fusion", "unknown fusion '" + id + "': use rrf, min_max or z_score");
    }
}
