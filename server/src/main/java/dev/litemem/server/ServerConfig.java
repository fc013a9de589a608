package dev.litemem.server;

import dev.litemem.Durability;
import dev.litemem.Embedder;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link MemoryServer} runs: where the tenant files live, where it listens, its limits and its tenant cache.
 * Build with {@link #builder(Path)}; the defaults suit a single machine.
 */
public final class ServerConfig {
    /** The system property that sets the default warm-up, in milliseconds (0: none). */
    public static final String WARM_UP_PROPERTY = "litemem.server.warmUpMillis";
    static final long DEFAULT_WARM_UP_MILLIS = 10_000;
    final Path dataDir;
    final String host;
    final int port;
    final Embedder embedder;
    final String adminKey;
    final int maxOpenTenants;
    final long maxOpenTenantBytes;
    final int readerConnectionsPerTenant;
    final long maxBodyBytes;
    final int maxBatch;
    final int maxK;
    final int maxTextChars;
    final int maxListLimit;
    final int maxConcurrentEmbeds;
    final int maxConcurrentSearches;
    final int maxDocumentChars;
    final int maxDocumentPages;
    final Durability durability;
    final String ledgerUrl;
    final int ledgerConcurrency;
    final java.time.Duration ledgerPoll;
    final java.time.Duration replicaHold;
    final java.time.Duration idempotencyKeyTtl;
    final java.time.Duration warmUp;
    /** Jetty's thread pool, for tests that must see how Jetty schedules a connection's work; null: Javalin's own. */
    final org.eclipse.jetty.util.thread.ThreadPool jettyThreadPool;

    private ServerConfig(Builder b) {
        this.dataDir = b.dataDir;
        this.host = b.host;
        this.port = b.port;
        this.embedder = b.embedder;
        this.adminKey = b.adminKey;
        this.maxOpenTenants = b.maxOpenTenants;
        this.maxOpenTenantBytes = b.maxOpenTenantBytes;
        this.readerConnectionsPerTenant = b.readerConnectionsPerTenant;
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxBatch = b.maxBatch;
        this.maxK = b.maxK;
        this.maxTextChars = b.maxTextChars;
        this.maxListLimit = b.maxListLimit;
        this.maxConcurrentEmbeds = b.maxConcurrentEmbeds;
        this.maxConcurrentSearches = b.maxConcurrentSearches;
        this.maxDocumentChars = b.maxDocumentChars;
        this.maxDocumentPages = b.maxDocumentPages;
        this.durability = b.durability;
        this.ledgerUrl = b.ledgerUrl;
        this.ledgerConcurrency = b.ledgerConcurrency;
        this.ledgerPoll = b.ledgerPoll;
        this.replicaHold = b.replicaHold;
        this.idempotencyKeyTtl = b.idempotencyKeyTtl;
        this.jettyThreadPool = b.jettyThreadPool;
        this.warmUp = b.warmUp;
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    public Path dataDir() {
        return dataDir;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The ledger's URL, or null when the server ships nothing. */
    public String ledger() {
        return ledgerUrl;
    }

    public int maxOpenTenants() {
        return maxOpenTenants;
    }

    public long maxOpenTenantBytes() {
        return maxOpenTenantBytes;
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public int maxK() {
        return maxK;
    }

    public int maxTextChars() {
        return maxTextChars;
    }

    public int maxListLimit() {
        return maxListLimit;
    }

    public int maxDocumentChars() {
        return maxDocumentChars;
    }

    public int maxDocumentPages() {
        return maxDocumentPages;
    }

    /** How long the server warms up before it listens; zero: not at all. See {@link Builder#warmUp}. */
    public java.time.Duration warmUp() {
        return warmUp;
    }

    public static final class Builder {
        private final Path dataDir;
        private String host = "127.0.0.1";
        private int port = 8080;
        private Embedder embedder;
        private String adminKey;
        private int maxOpenTenants = 256;
        private long maxOpenTenantBytes = 1L << 30;
        private int readerConnectionsPerTenant = 2;
        private long maxBodyBytes = 16L << 20;
        private int maxBatch = 1000;
        private int maxK = 1000;
        private int maxTextChars = 65_536;
        private int maxListLimit = 1000;
        private int maxConcurrentEmbeds = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int maxConcurrentSearches = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int maxDocumentChars = 2_000_000;
        private int maxDocumentPages = 1_000;
        private Durability durability = Durability.FULL;
        private String ledgerUrl;
        private int ledgerConcurrency = 4;
        private java.time.Duration ledgerPoll = java.time.Duration.ofSeconds(1);
        private java.time.Duration replicaHold = java.time.Duration.ofHours(1);
        private java.time.Duration idempotencyKeyTtl = java.time.Duration.ofHours(24);
        private java.time.Duration warmUp = java.time.Duration.ofMillis(
                Math.max(0, Long.getLong(WARM_UP_PROPERTY, DEFAULT_WARM_UP_MILLIS)));

        private org.eclipse.jetty.util.thread.ThreadPool jettyThreadPool;

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** The address to bind: 127.0.0.1 by default; anything else exposes the server beyond this machine. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port; 0 picks a free one (see {@link MemoryServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** The embedder for text without vectors; by default the bundled model when it is on the class path. */
        public Builder embedder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            return this;
        }

        /**
         * The admin key. When not set, the server reads LITEMEM_ADMIN_KEY, else the key file in the data folder, else
         * generates one there.
         */
        public Builder adminKey(String adminKey) {
            if (adminKey == null || adminKey.length() < 16) {
                throw new IllegalArgumentException("the admin key must have at least 16 characters");
            }
            this.adminKey = adminKey;
            return this;
        }

        /**
         * How many tenant files stay open at most (least recently used are closed first). The server lowers it at start
         * when the process's file-descriptor limit allows fewer, and says so in its log.
         */
        public Builder maxOpenTenants(int maxOpenTenants) {
            this.maxOpenTenants = positive(maxOpenTenants, "maxOpenTenants");
            return this;
        }

        /** The estimated memory (SQLite page caches) the open tenants may use, in bytes. */
        public Builder maxOpenTenantBytes(long maxOpenTenantBytes) {
            if (maxOpenTenantBytes < 1) {
                throw new IllegalArgumentException("maxOpenTenantBytes must be positive");
            }
            this.maxOpenTenantBytes = maxOpenTenantBytes;
            return this;
        }

        public Builder readerConnectionsPerTenant(int readers) {
            this.readerConnectionsPerTenant = positive(readers, "readerConnectionsPerTenant");
            return this;
        }

        public Builder maxBodyBytes(long maxBodyBytes) {
            if (maxBodyBytes < 1024) {
                throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder maxBatch(int maxBatch) {
            this.maxBatch = positive(maxBatch, "maxBatch");
            return this;
        }

        public Builder maxK(int maxK) {
            this.maxK = positive(Math.min(maxK, 10_000), "maxK");
            return this;
        }

        public Builder maxTextChars(int maxTextChars) {
            this.maxTextChars = positive(maxTextChars, "maxTextChars");
            return this;
        }

        public Builder maxListLimit(int maxListLimit) {
            this.maxListLimit = positive(Math.min(maxListLimit, 10_000), "maxListLimit");
            return this;
        }

        /**
         * The characters of text one uploaded document may hold once extracted (default 2,000,000); a longer one is
         * refused with 413 before anything of it is embedded.
         */
        public Builder maxDocumentChars(int maxDocumentChars) {
            this.maxDocumentChars = positive(maxDocumentChars, "maxDocumentChars");
            return this;
        }

        /** The pages of an uploaded PDF the server reads at most (default 1,000); a longer one is refused with 413. */
        public Builder maxDocumentPages(int maxDocumentPages) {
            this.maxDocumentPages = positive(maxDocumentPages, "maxDocumentPages");
            return this;
        }

        /** How many embedding calls run at once; the others wait in the embedder queue. */
        public Builder maxConcurrentEmbeds(int maxConcurrentEmbeds) {
            this.maxConcurrentEmbeds = positive(maxConcurrentEmbeds, "maxConcurrentEmbeds");
            return this;
        }

        /**
         * How many searches and recalls run at once (default: the number of cores); the others wait their turn in
         * arrival order. A search is CPU work: letting more run than there are cores only slices them among each other,
         * so every one finishes later (the tail grows, the throughput does not).
         */
        public Builder maxConcurrentSearches(int maxConcurrentSearches) {
            this.maxConcurrentSearches = positive(maxConcurrentSearches, "maxConcurrentSearches");
            return this;
        }

        /**
         * How hard each tenant's commits work to survive failures: FULL (the default) survives power loss; NORMAL
         * survives a crash of the server process but may lose the last commits on power loss, for fewer fsyncs.
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * Ships every tenant's outbox to the central PostgreSQL ledger at this URL ({@code jdbc:postgresql://...} or
         * {@code postgresql://...}; docs/LEDGER.md), or null (the default) not to.
         */
        public Builder ledger(String url) {
            this.ledgerUrl = url;
            return this;
        }

        /** Tenants shipped at once, each with one PostgreSQL connection (default 4). */
        public Builder ledgerConcurrency(int concurrency) {
            this.ledgerConcurrency = positive(concurrency, "ledgerConcurrency");
            return this;
        }

        /** The wait between shipping passes that found nothing to ship (default 1 s). */
        public Builder ledgerPoll(java.time.Duration poll) {
            this.ledgerPoll = Objects.requireNonNull(poll, "poll");
            return this;
        }

        /**
         * How long a tenant's change log is held for a replica that stopped asking for changes (default 1 hour;
         * docs/REPLICAS.md): after that its changes may be pruned, and the replica starts again from a snapshot.
         */
        public Builder replicaHold(java.time.Duration hold) {
            this.replicaHold = Objects.requireNonNull(hold, "hold");
            return this;
        }

        /**
         * How long the answer to a write sent with an {@code Idempotency-Key} is kept for retries (default 24 hours;
         * docs/SERVER.md, "Idempotent writes"): after that the key is forgotten and the same key runs as new.
         */
        public Builder idempotencyKeyTtl(java.time.Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("idempotencyKeyTtl must be positive, was " + ttl);
            }
            this.idempotencyKeyTtl = ttl;
            return this;
        }

        /**
         * At most how long the server runs cold tenants' first queries on scratch tenants of its own before it listens,
         * so the first requests after a restart find the code compiled (docs/SERVER.md, "Cold tenants"); it stops
         * sooner once the JIT has caught up. Default 10 s, or the system property {@code litemem.server.warmUpMillis};
         * {@link java.time.Duration#ZERO} turns it off.
         */
        public Builder warmUp(java.time.Duration budget) {
            Objects.requireNonNull(budget, "budget");
            if (budget.isNegative()) {
                throw new IllegalArgumentException("warmUp must not be negative, was " + budget);
            }
            this.warmUp = budget;
            return this;
        }

        /** Package-private: the thread pool Jetty runs on (tests only; the default is Javalin's). */
        Builder jettyThreadPool(org.eclipse.jetty.util.thread.ThreadPool pool) {
            this.jettyThreadPool = pool;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(this);
        }

        private static int positive(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + value);
            }
            return value;
        }
    }
}
