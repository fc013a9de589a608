package dev.litemem.client;

import java.util.Objects;

/** A search for {@link MemoryClient#search}: by text or by vector, k hits, a search mode, an optional JSON filter. */
public final class Query {
    private final String text;
    private final float[] vector;
    private int k = 10;
    private String mode;
    private String where;

    private Query(String text, float[] vector) {
        this.text = text;
        this.vector = vector;
    }

    public static Query text(String text) {
        return new Query(Objects.requireNonNull(text, "text"), null);
    }

    public static Query vector(float[] vector) {
        return new Query(null, Objects.requireNonNull(vector, "vector").clone());
    }

    public Query k(int k) {
        this.k = k;
        return this;
    }

    /** semantic, keyword or hybrid; by default hybrid for text and semantic for a vector. */
    public Query mode(String mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** A filter in LiteMem's JSON filter language, for example {@code {"user": "alice"}}. */
    public Query where(String whereJson) {
        this.where = whereJson;
        return this;
    }

    public String text() {
        return text;
    }

    public float[] vector() {
        return vector == null ? null : vector.clone();
    }

    public int k() {
        return k;
    }

    public String mode() {
        return mode;
    }

    public String where() {
        return where;
    }
}
