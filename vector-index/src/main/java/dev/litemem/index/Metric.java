package dev.litemem.index;

/**
 * How vectors are compared. Scores are "higher is better" everywhere in LiteMem's API: cosine similarity, dot
 * product, or the negated Euclidean distance.
 */
public enum Metric {
    COSINE("cosine"),
    DOT("dot"),
    L2("l2");

    private final String id;

    Metric(String id) {
        this.id = id;
    }

    /** The name stored in files and accepted on the command line and over HTTP. */
    public String id() {
        return id;
    }

    public static Metric fromId(String id) {
        for (Metric metric : values()) {
            if (metric.id.equalsIgnoreCase(id)) {
                return metric;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + id + "': use cosine, dot or l2");
    }
}
