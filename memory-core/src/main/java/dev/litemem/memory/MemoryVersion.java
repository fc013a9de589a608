package dev.litemem.memory;

import java.time.Instant;

/**
 * One change of a memory, with the state it replaced.
 *
 * @param version  the change's number, growing over the whole file
 * @param op       {@code insert}, {@code update}, {@code supersede}, {@code delete} or {@code undo}
 * @param actor    who made it, or null
 * @param before   the memory before the change, or null when the change created it
 * @param after    the memory after the change, or null when the change removed it
 * @param undoOf   for an undo, the version it reverted; otherwise null
 * @param undoneBy the undo that reverted this change, or null
 */
public record MemoryVersion(long version, String memoryId, String op, Instant at, String actor, MemoryItem before,
                            MemoryItem after, Long undoOf, Long undoneBy) {
}
