package dev.litemem.internal.search;

import dev.litemem.Fusion;
import dev.litemem.SearchMode;
import dev.litemem.internal.filter.SqlWhere;

/**
 * One search as the search internals run it: {@link dev.litemem.SearchRequest} after validation, with its filter
 * compiled once into {@code where} (the collection's rows, and the filter's, if any).
 *
 * @param text   the query text, or null for a search by vector
 * @param vector the caller's query vector (already validated), or null to embed {@code text}
 * @param ef     the graph's search breadth asked for, or null for the collection's default
 * @param includeVectors whether the hits' records carry their vectors
 */
public record Query(String text, float[] vector, int k, int offset, SearchMode mode, SqlWhere where, Fusion fusion,
                    double semanticWeight, int rrfK, Float minScore, Double mmrLambda, boolean exact, Integer ef,
                    boolean includeVectors) {
}
