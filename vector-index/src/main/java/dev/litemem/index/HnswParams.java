package dev.litemem.index;

/**
 * HNSW graph parameters.
 *
 * @param m              links per node on the upper levels (level 0 keeps up to {@code 2 * m})
 * @param efConstruction candidate list size while inserting (build quality vs build time)
 * @param efSearch       default candidate list size while searching (recall vs query time)
 * @param seed           seeds the level each node is drawn on: the same vectors added in the same order on one
 *                       thread build the same graph (not stored in checkpoints; a loaded graph keeps its levels)
 */
public record HnswParams(int m, int efConstruction, int efSearch, long seed) {

    public static final int MAX_M = 256;
    public static final int MAX_EF = 1 << 16;
    public static final long DEFAULT_SEED = 42;

    public static final HnswParams DEFAULTS = new HnswParams(16, 200, 64);

    public HnswParams {
        if (m < 2 || m > MAX_M) {
            throw new IndexException("HNSW m must be between 2 and " + MAX_M + ", got " + m);
        }
        if (efConstruction < 1 || efConstruction > MAX_EF) {
            throw new IndexException("HNSW efConstruction must be between 1 and " + MAX_EF + ", got " + efConstruction);
        }
        if (efSearch < 1 || efSearch > MAX_EF) {
            throw new IndexException("HNSW efSearch must be between 1 and " + MAX_EF + ", got " + efSearch);
        }
    }

    /** With the default seed. */
    public HnswParams(int m, int efConstruction, int efSearch) {
        this(m, efConstruction, efSearch, DEFAULT_SEED);
    }

    /** The same graph parameters with another default search width. */
    public HnswParams withEfSearch(int newEfSearch) {
        return new HnswParams(m, efConstruction, newEfSearch, seed);
    }

    /** The same parameters with another level seed. */
    public HnswParams withSeed(long newSeed) {
        return new HnswParams(m, efConstruction, efSearch, newSeed);
    }
}
