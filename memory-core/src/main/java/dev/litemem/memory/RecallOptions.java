package dev.litemem.memory;

import dev.litemem.Filter;
import dev.litemem.InvalidInputException;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * How to rank and filter a recall. The score is {@code relevance * r + recency * c + importance * i}, each part min-max
 * normalized over the candidates; recency is {@code decay ^ hours} since the memory was last accessed or updated (the
 * Generative Agents scheme). Defaults: equal weights of 1, decay 0.995 per hour, current facts only, nothing marked
 * accessed. Immutable; each method returns a copy.
 */
public final class RecallOptions {
    public static final double DEFAULT_DECAY_PER_HOUR = 0.995;
    /** How many candidates the hybrid search gives the ranking, at least. */
    public static final int MIN_CANDIDATES = 50;

    private static final RecallOptions DEFAULTS = new RecallOptions(1, 1, 1, DEFAULT_DECAY_PER_HOUR, Set.of(), null,
            null, null, null, false);

    private final double relevanceWeight;
    private final double recencyWeight;
    private final double importanceWeight;
    private final double decayPerHour;
    private final Set<String> kinds;
    private final Filter filter;
    private final Instant createdAfter;
    private final Instant createdBefore;
    private final Instant asOf;
    private final boolean markAccessed;

    private RecallOptions(double relevanceWeight, double recencyWeight, double importanceWeight, double decayPerHour,
                          Set<String> kinds, Filter filter, Instant createdAfter, Instant createdBefore, Instant asOf,
                          boolean markAccessed) {
        this.relevanceWeight = relevanceWeight;
        this.recencyWeight = recencyWeight;
        this.importanceWeight = importanceWeight;
        this.decayPerHour = decayPerHour;
        this.kinds = kinds;
        this.filter = filter;
        this.createdAfter = createdAfter;
        this.createdBefore = createdBefore;
        this.asOf = asOf;
        this.markAccessed = markAccessed;
    }

    public static RecallOptions defaults() {
        return DEFAULTS;
    }

    /** The weights of relevance, recency and importance (each at least 0, not all 0). */
    public RecallOptions weights(double relevance, double recency, double importance) {
        for (double w : new double[] {relevance, recency, importance}) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new InvalidInputException("weights", "each weight must be a finite number of at least 0");
            }
        }
        if (relevance + recency + importance == 0) {
            throw new InvalidInputException("weights", "the weights are all 0: give at least one a positive weight");
        }
        return new RecallOptions(relevance, recency, importance, decayPerHour, kinds, filter, createdAfter,
                createdBefore, asOf, markAccessed);
    }

    /** Recency's decay per hour since the last access or update, above 0 and at most 1 (default 0.995). */
    public RecallOptions decayPerHour(double decay) {
        if (!(decay > 0 && decay <= 1)) {
            throw new InvalidInputException("decay", "the decay per hour must be above 0 and at most 1, was " + decay);
        }
        return new RecallOptions(relevanceWeight, recencyWeight, importanceWeight, decay, kinds, filter, createdAfter,
                createdBefore, asOf, markAccessed);
    }

    /** Only memories of these kinds (none given: every kind). */
    public RecallOptions kinds(String... kinds) {
        return new RecallOptions(relevanceWeight, recencyWeight, importanceWeight, decayPerHour, Set.of(kinds), filter,
                createdAfter, createdBefore, asOf, markAccessed);
    }

    /** Only memories whose metadata matches. */
    public RecallOptions filter(Filter filter) {
        return new RecallOptions(relevanceWeight, recencyWeight, importanceWeight, decayPerHour, kinds,
                Objects.requireNonNull(filter, "filter"), createdAfter, createdBefore, asOf, markAccessed);
    }

    /** Only memories written at or after {@code from} and before {@code to} (either may be null). */
    public RecallOptions createdBetween(Instant from, Instant to) {
        return new RecallOptions(relevanceWeight, recencyWeight, importanceWeight, decayPerHour, kinds, filter, from, to,
                asOf, markAccessed);
    }

    /**
     * The facts that were current at {@code instant} (superseded ones included, if they still held then) instead of
     * the current ones. Expired memories stay invisible.
     */
    public RecallOptions asOf(Instant instant) {
        return new RecallOptions(relevanceWeight, recencyWeight, importanceWeight, decayPerHour, kinds, filter,
                createdAfter, createdBefore, Objects.requireNonNull(instant, "asOf"), markAccessed);
    }

    /** Records the recall as an access of what it returned (so recency counts from now). */
    public RecallOptions markAccessed(boolean mark) {
        return new RecallOptions(relevanceWeight, recencyWeight, importanceWeight, decayPerHour, kinds, filter,
                createdAfter, createdBefore, asOf, mark);
    }

    public double relevanceWeight() {
        return relevanceWeight;
    }

    public double recencyWeight() {
        return recencyWeight;
    }

    public double importanceWeight() {
        return importanceWeight;
    }

    public double decayPerHour() {
        return decayPerHour;
    }

    public Set<String> kinds() {
        return kinds;
    }

    /** The metadata filter, or null. */
    public Filter filter() {
        return filter;
    }

    public Instant createdAfter() {
        return createdAfter;
    }

    public Instant createdBefore() {
        return createdBefore;
    }

    /** The instant asked for, or null for the current facts. */
    public Instant asOf() {
        return asOf;
    }

    public boolean markAccessed() {
        return markAccessed;
    }
}
