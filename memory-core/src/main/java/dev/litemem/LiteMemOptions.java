package dev.litemem;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** How a {@link LiteMem} store is opened. Build with {@link #builder()}; {@link #defaults()} suits most uses. */
public final class LiteMemOptions {
    /** The default of {@link #exactSearchBelow()} (measured: see docs/ARCHITECTURE.md, "Small collections"). */
    public static final int DEFAULT_EXACT_SEARCH_BELOW = 2_000;
    private final Durability durability;
    private final Duration busyTimeout;
    private final int readerConnections;
    private final Embedder embedder;
    private final boolean useBundledEmbedder;
    private final Actor actor;
    private final int checkpointEveryChanges;
    private final Duration checkpointInterval;
    private final Duration pruneChangeLogEvery;
    private final double compactionThreshold;
    private final int indexThreads;
    private final boolean backgroundIndexing;
    private final int exactSearchBelow;
    private final boolean createIfMissing;

    private LiteMemOptions(Builder b) {
        this.durability = b.durability;
        this.busyTimeout = b.busyTimeout;
        this.readerConnections = b.readerConnections;
        this.embedder = b.embedder;
        this.useBundledEmbedder = b.useBundledEmbedder;
        this.actor = b.actor;
        this.checkpointEveryChanges = b.checkpointEveryChanges;
        this.checkpointInterval = b.checkpointInterval;
        this.pruneChangeLogEvery = b.pruneChangeLogEvery;
        this.compactionThreshold = b.compactionThreshold;
        this.indexThreads = b.indexThreads;
        this.backgroundIndexing = b.backgroundIndexing;
        this.exactSearchBelow = b.exactSearchBelow;
        this.createIfMissing = b.createIfMissing;
    }

    /**
     * Whether opening an absent or empty (0-byte) file creates a new store there (default true). When false, the file
     * must already be a LiteMem store: an absent or empty file is refused as missing or damaged, for callers that
     * created the store earlier and must not silently start over with an empty one (the memory server).
     */
    public boolean createIfMissing() {
        return createIfMissing;
    }

    /**
     * Whether a background thread keeps indexes in step as writes commit (default true). Without it, an index is
     * built or caught up by the first search after the writes, and by {@link LiteMem#close()}.
     */
    public boolean backgroundIndexing() {
        return backgroundIndexing;
    }

    public static LiteMemOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Durability durability() {
        return durability;
    }

    public Duration busyTimeout() {
        return busyTimeout;
    }

    public int readerConnections() {
        return readerConnections;
    }

    /** The embedder given explicitly, if any. */
    public Optional<Embedder> embedder() {
        return Optional.ofNullable(embedder);
    }

    /** Whether the bundled model (module litemem-embedding) is used when no embedder was given. */
    public boolean useBundledEmbedder() {
        return useBundledEmbedder;
    }

    /** The id of who is writing, recorded in every change-log entry (for audit); may be null. */
    public String actor() {
        return actor == null ? null : actor.id();
    }

    /** Who is writing, and on what authority, recorded in every change-log entry (for audit); may be null. */
    public Actor defaultActor() {
        return actor;
    }

    /** An index is checkpointed once this many changes were applied to it since its last checkpoint. */
    public int checkpointEveryChanges() {
        return checkpointEveryChanges;
    }

    /** An index with changes since its last checkpoint is checkpointed at least this often. */
    /**
     * How often the store's background maintenance prunes the change log ({@link LiteMem#pruneChangeLog()}), checked
     * after writes (a store nobody writes has nothing new to prune); zero: never by itself.
     * Default 10 minutes.
     */
    public Duration pruneChangeLogEvery() {
        return pruneChangeLogEvery;
    }

    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** An index is rebuilt without its deleted nodes (in the background) once they are this share of its nodes. */
    public double compactionThreshold() {
        return compactionThreshold;
    }

    /**
     * A collection with fewer vectors than this has no graph: its searches scan every vector exactly (as fast as a
     * graph walk at that size), and nothing is built, loaded or checkpointed for it. Once it grows past the threshold
     * its graph is built in the background (or by the next search without background indexing). 0: always a graph.
     */
    public int exactSearchBelow() {
        return exactSearchBelow;
    }

    /** Threads that build and rebuild indexes. */
    public int indexThreads() {
        return indexThreads;
    }

    public static final class Builder {
        private Durability durability = Durability.FULL;
        private Duration busyTimeout = Duration.ofSeconds(5);
        private int readerConnections = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
        private Embedder embedder;
        private boolean useBundledEmbedder = true;
        private Actor actor;
        private int checkpointEveryChanges = 10_000;
        private Duration checkpointInterval = Duration.ofMinutes(5);
        private Duration pruneChangeLogEvery = Duration.ofMinutes(10);
        private double compactionThreshold = 0.25;
        private int indexThreads = Runtime.getRuntime().availableProcessors();
        private boolean backgroundIndexing = true;
        private int exactSearchBelow = DEFAULT_EXACT_SEARCH_BELOW;
        private boolean createIfMissing = true;

        private Builder() {
        }

        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /** How long a write waits for another process's write lock before failing with {@link StoreBusyException}. */
        public Builder busyTimeout(Duration busyTimeout) {
            if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("busyTimeout must be between 0 and " + Integer.MAX_VALUE + " ms");
            }
            this.busyTimeout = busyTimeout;
            return this;
        }

        /** How many read-only connections serve concurrent reads (at least 1). */
        public Builder readerConnections(int readerConnections) {
            if (readerConnections < 1 || readerConnections > 64) {
                throw new IllegalArgumentException("readerConnections must be between 1 and 64, was " + readerConnections);
            }
            this.readerConnections = readerConnections;
            return this;
        }

        /** The embedder for records without vectors and for text queries. The caller keeps ownership (closes it). */
        public Builder embedder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            return this;
        }

        /**
         * Whether to fall back to the bundled model when no embedder is given (default true). Set false to make
         * sure nothing is ever embedded implicitly: records then need vectors.
         */
        public Builder useBundledEmbedder(boolean useBundledEmbedder) {
            this.useBundledEmbedder = useBundledEmbedder;
            return this;
        }

        public Builder actor(String actor) {
            this.actor = actor == null ? null : Actor.of(actor);
            return this;
        }

        /**
         * Who writes through this store unless a write names another ({@link Collection#as(Actor)}): recorded with
         * every change.
         */
        public Builder defaultActor(Actor actor) {
            this.actor = actor;
            return this;
        }

        public Builder checkpointEveryChanges(int changes) {
            if (changes < 1) {
                throw new IllegalArgumentException("checkpointEveryChanges must be at least 1, was " + changes);
            }
            this.checkpointEveryChanges = changes;
            return this;
        }

        /**
         * How often the background maintenance (with {@link #backgroundIndexing}, after writes) prunes the change log below every required
         * consumer's position ({@link LiteMem#pruneChangeLog()}); {@link Duration#ZERO} never prunes by itself.
         */
        public Builder pruneChangeLogEvery(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("pruneChangeLogEvery must not be negative");
            }
            this.pruneChangeLogEvery = interval;
            return this;
        }

        public Builder checkpointInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("checkpointInterval must be positive");
            }
            this.checkpointInterval = interval;
            return this;
        }

        /** Share of deleted nodes (0 to 1) that triggers a background compaction; 1 never compacts. */
        public Builder compactionThreshold(double threshold) {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("compactionThreshold must be in (0, 1], was " + threshold);
            }
            this.compactionThreshold = threshold;
            return this;
        }

        public Builder indexThreads(int threads) {
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("indexThreads must be between 1 and 256, was " + threads);
            }
            this.indexThreads = threads;
            return this;
        }

        /** See {@link LiteMemOptions#exactSearchBelow()}; 0 gives every collection a graph. */
        public Builder exactSearchBelow(int vectors) {
            if (vectors < 0) {
                throw new IllegalArgumentException("exactSearchBelow must be 0 or more, was " + vectors);
            }
            this.exactSearchBelow = vectors;
            return this;
        }

        /**
         * Whether indexes are kept up to date, checkpointed and compacted in the background after writes, on the
         * process's shared maintenance threads (default true); without it, searches and close() do that work.
         */
        public Builder backgroundIndexing(boolean backgroundIndexing) {
            this.backgroundIndexing = backgroundIndexing;
            return this;
        }

        /** See {@link LiteMemOptions#createIfMissing()}. */
        public Builder createIfMissing(boolean createIfMissing) {
            this.createIfMissing = createIfMissing;
            return this;
        }

        public LiteMemOptions build() {
            return new LiteMemOptions(this);
        }
    }
}
