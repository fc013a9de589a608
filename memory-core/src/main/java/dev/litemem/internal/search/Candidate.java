package dev.litemem.internal.search;

/**
 * One row a search is ranking, the one candidate type of every step: what the semantic side and the keyword side
 * said of it (rank and score, or null when that side did not return it) and its score in the request's mode.
 */
public final class Candidate {
    final long rowId;
    Integer semanticRank;
    Float semanticScore;
    Integer keywordRank;
    Float keywordScore;
    float score;

    Candidate(long rowId) {
        this.rowId = rowId;
    }
}
