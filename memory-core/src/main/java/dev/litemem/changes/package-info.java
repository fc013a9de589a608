/**
 * Replication of a file: its change feed ({@link dev.litemem.changes.ChangeFeed}, what a server sends to replicas) and
 * the replica's side ({@link dev.litemem.changes.ReplicaFile}, what applies it). See docs/REPLICAS.md.
 */
package dev.litemem.changes;
