/**
 * The implementation of {@code dev.litemem.memory}: memories as records of the reserved collection plus their rows in
 * {@code memories} (scope, kind, importance, expiry, validity, last access), consolidation inside the write
 * transaction, the recall score, history and undo. Internal: see {@link dev.litemem.internal}.
 */
package dev.litemem.internal.memory;
