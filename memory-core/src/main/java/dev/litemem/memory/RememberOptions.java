package dev.litemem.memory;

import dev.litemem.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * How to remember: kind, importance, metadata, expiry and consolidation. Immutable; each {@code with} method returns a
 * copy.
 */
public final class RememberOptions {
    /** The kind when none is given. */
    public static final String DEFAULT_KIND = "fact";
    /** The importance when none is given. */
    public static final double DEFAULT_IMPORTANCE = 0.5;
    /** The longest kind, in characters. */
    public static final int MAX_KIND_LENGTH = 64;

    private static final RememberOptions DEFAULTS = new RememberOptions(DEFAULT_KIND, DEFAULT_IMPORTANCE, Map.of(), null,
            null, ConsolidationPolicy.KEEP_BOTH, null);

    private final String kind;
    private final double importance;
    private final Map<String, Object> metadata;
    private final Duration ttl;
    private final Instant expiresAt;
    private final ConsolidationPolicy policy;
    private final Double nearDuplicateThreshold;

    private RememberOptions(String kind, double importance, Map<String, Object> metadata, Duration ttl,
                            Instant expiresAt, ConsolidationPolicy policy, Double nearDuplicateThreshold) {
        this.kind = kind;
        this.importance = importance;
        this.metadata = metadata;
        this.ttl = ttl;
        this.expiresAt = expiresAt;
        this.policy = policy;
        this.nearDuplicateThreshold = nearDuplicateThreshold;
    }

    public static RememberOptions defaults() {
        return DEFAULTS;
    }

    /** What sort of memory: a word of your own ({@code fact}, {@code preference}, {@code event}, {@code instruction}). */
    public RememberOptions kind(String kind) {
        Objects.requireNonNull(kind, "kind");
        if (kind.isBlank() || kind.length() > MAX_KIND_LENGTH) {
            throw new InvalidInputException("kind", "kind must be 1 to " + MAX_KIND_LENGTH + " characters, was "
                    + kind.length());
        }
        return new RememberOptions(kind, importance, metadata, ttl, expiresAt, policy, nearDuplicateThreshold);
    }

    /** How important, 0 to 1 (default {@value #DEFAULT_IMPORTANCE}). */
    public RememberOptions importance(double importance) {
        if (!(importance >= 0 && importance <= 1)) {
            throw new InvalidInputException("importance", "importance must be between 0 and 1, was " + importance);
        }
        return new RememberOptions(kind, importance, metadata, ttl, expiresAt, policy, nearDuplicateThreshold);
    }

    /** Free metadata (a JSON object), filterable in recall. */
    public RememberOptions metadata(Map<String, ?> metadata) {
        return new RememberOptions(kind, importance, Map.copyOf(Objects.requireNonNull(metadata, "metadata")), ttl,
                expiresAt, policy, nearDuplicateThreshold);
    }

    /** Forgets the memory this long after it is written (it disappears from recall, get and list at that instant). */
    public RememberOptions ttl(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("ttl", "the time to live must be positive, was " + ttl);
        }
        return new RememberOptions(kind, importance, metadata, ttl, null, policy, nearDuplicateThreshold);
    }

    /** Forgets the memory at this instant. */
    public RememberOptions expiresAt(Instant expiresAt) {
        return new RememberOptions(kind, importance, metadata, null, Objects.requireNonNull(expiresAt, "expiresAt"),
                policy, nearDuplicateThreshold);
    }

    public RememberOptions policy(ConsolidationPolicy policy) {
        return new RememberOptions(kind, importance, metadata, ttl, expiresAt, Objects.requireNonNull(policy, "policy"),
                nearDuplicateThreshold);
    }

    /**
     * The cosine at or above which a memory of the scope counts as the same fact (nothing is added). Default: the
     * measured value for the collection's model ({@link Memory#nearDuplicateThreshold()}).
     */
    public RememberOptions nearDuplicateThreshold(double threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new InvalidInputException("nearDuplicateThreshold", "the near-duplicate threshold must be above 0 and"
                    + " at most 1, was " + threshold);
        }
        return new RememberOptions(kind, importance, metadata, ttl, expiresAt, policy, threshold);
    }

    public String kind() {
        return kind;
    }

    public double importance() {
        return importance;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    /** The time to live, or null. */
    public Duration ttl() {
        return ttl;
    }

    /** The expiry instant, or null. */
    public Instant expiresAt() {
        return expiresAt;
    }

    public ConsolidationPolicy policy() {
        return policy;
    }

    /** The threshold asked for, or null for the model's default. */
    public Double nearDuplicateThreshold() {
        return nearDuplicateThreshold;
    }
}
