package dev.litemem.index;

/**
 * HNSW graph parameters.
 *
 * @param m              links per node on the upper levels (level 0 keeps up to {@code 2 * m})
 * @param efConstruction candidate list size while inserting (build quality vs build time)
 * @param efSearch       default candidate list size while searching (recall vs query time)
 */
public record HnswParams(int m, int efConstruction, int efSearch) {

    public static final int MAX_M = 256;
    public static final int MAX_EF = 1 << 16;

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

    /** The same graph parameters with another default search width. */
    public HnswParams withEfSearch(int newEfSearch) {
        return new HnswParams(m, efConstruction, newEfSearch);
    }
}
