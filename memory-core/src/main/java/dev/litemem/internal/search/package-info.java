/**
 * One search request ({@link dev.litemem.internal.search.Query}, a validated {@link dev.litemem.SearchRequest} with
 * its filter compiled once): the filter's rows read once, semantic candidates from the collection's vector index,
 * keyword candidates from FTS5 (BM25), weighted reciprocal rank fusion, optional MMR, paging and loading the
 * records. One {@link dev.litemem.internal.search.Candidate} per row carries what each side said. Internal: see
 * {@link dev.litemem.internal}.
 */
package dev.litemem.internal.search;
