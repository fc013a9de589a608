package dev.litemem.internal.index;

import dev.litemem.index.VectorIndex;

/**
 * A collection's vector index as it is, not caught up, and the sequence number of the last change it reflected before
 * it was handed out (it may reflect more by the time it is searched, never less).
 */
public record IndexAsIs(VectorIndex index, long position) {
}
