package dev.litemem;

/** A search result: the record and its score (higher is better: cosine similarity, dot product, or -L2 distance). */
public record Hit(Record record, float score) {
}
