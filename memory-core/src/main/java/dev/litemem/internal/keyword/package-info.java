/**
 * An in-memory copy of the FTS5 keyword index of a large file ({@link dev.litemem.internal.keyword.KeywordIndex}):
 * postings built from FTS5's own index, ranking exactly as FTS5's bm25() does without its per-match cost, used only
 * when it is FTS5's index at the search's snapshot ({@link dev.litemem.internal.keyword.KeywordIndexes}). Internal:
 * see {@link dev.litemem.internal}.
 */
package dev.litemem.internal.keyword;
