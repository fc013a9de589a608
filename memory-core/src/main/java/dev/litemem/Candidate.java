package dev.litemem;

/** A row found by one side of a search, with that side's score (higher is better). */
record Candidate(long rowId, float score) {
}
