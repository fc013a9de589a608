package dev.litemem.internal.search;

/** A row found by one side of a search, with that side's score (higher is better). */
public record Candidate(long rowId, float score) {
}
