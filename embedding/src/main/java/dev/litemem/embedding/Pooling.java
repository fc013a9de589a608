package dev.litemem.embedding;

/** How the per-token vectors of the model's {@code last_hidden_state} become one vector per text. */
public enum Pooling {
    /** Average of the token vectors where the attention mask is 1 (sentence-transformers' default). */
    MEAN,
    /** The first token's vector ({@code [CLS]}), as used by the BGE models. */
    CLS
}
