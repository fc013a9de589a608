/**
 * The metadata filter language: the JSON form parsed into a {@link dev.litemem.Filter}, a filter compiled once per
 * request into a parameterized WHERE clause ({@link dev.litemem.internal.filter.SqlWhere}: values are always bound,
 * keys enter only as bound JSON paths), and the row ids it keeps as a predicate over index labels
 * ({@link dev.litemem.internal.filter.RowFilter}). Internal: see {@link dev.litemem.internal}.
 */
package dev.litemem.internal.filter;
