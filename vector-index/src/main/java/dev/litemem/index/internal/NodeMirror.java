package dev.litemem.index.internal;

import org.eclipse.collections.api.list.primitive.MutableIntList;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Flat copies, indexed by hnswlib-core node id, of what the graph walk reads on every step: the node's slot in the
 * {@link VectorStore}, its level-0 neighbour list and its deleted flag. hnswlib-core keeps these in a node object,
 * a list object and an int array per node, four dependent loads away; here they are one array read each.
 *
 * <p>The copies follow hnswlib-core: an add changes the level-0 lists of the new node and of the neighbours it
 * picked, and nothing else, so after each add returns the index calls {@link #nodeAdded}, which copies exactly those
 * lists, each under its node's monitor (the lock hnswlib-core changes them under), so the last copy of a list is
 * always of its newest state. (If another add prunes the new node's list before this refresh reads it, a neighbour
 * it dropped is not refreshed and lacks the edge to the new node until its own list next changes.) Until the
 * refresh, a new node is reached through no copied list, and its slot reads 0, which readers answer from the
 * node's item. Readers take no lock: a list read while it is rewritten holds node ids from
 * its old or new state, all of them real nodes, which an approximate search tolerates. The arrays are replaced only
 * by {@link #grow}, under the index's write lock.
 */
final class NodeMirror {

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    private final int stride;
    /** node id -> slot + 1; 0 while the add that made the node is still running. */
    private int[] slots;
    /** node id * stride -> neighbour count, then the neighbours' node ids. */
    private int[] links;
    private boolean[] deleted;

    NodeMirror(int capacity, int maxLinks) {
        this.stride = maxLinks + 1;
        this.slots = new int[capacity];
        this.links = new int[Math.multiplyExact(capacity, stride)];
        this.deleted = new boolean[capacity];
    }

    /** Under the index's write lock only: no reader or writer holds the old arrays. */
    void grow(int capacity) {
        slots = Arrays.copyOf(slots, capacity);
        links = Arrays.copyOf(links, Math.multiplyExact(capacity, stride));
        deleted = Arrays.copyOf(deleted, capacity);
    }

    /** Publishes a new node, then the level-0 lists it changed (its own first, so it is walkable once reached). */
    void nodeAdded(AtomicReferenceArray<Object> nodes, int id, Object node, int slot) {
        INTS.setRelease(slots, id, slot + 1);
        int count = copyLinks(id, node);
        int base = id * stride;
        for (int i = 1; i <= count; i++) {
            int neighbour = links[base + i];
            copyLinks(neighbour, nodes.get(neighbour));
        }
    }

    /** For a graph installed whole (from a checkpoint): every node's slot and list. */
    void restored(AtomicReferenceArray<Object> nodes, int count, StoredVector[] items) {
        for (int id = 0; id < count; id++) {
            slots[id] = items[id].slot + 1;
            copyLinks(id, nodes.get(id));
        }
    }

    void markDeleted(int id) {
        deleted[id] = true;
    }

    /** Copies node {@code id}'s level-0 list; returns how many links it holds. */
    private int copyLinks(int id, Object node) {
        synchronized (node) {
            MutableIntList list = HnswInternals.connections(node)[0];
            int count = Math.min(list.size(), stride - 1);
            int base = id * stride;
            for (int i = 0; i < count; i++) {
                links[base + 1 + i] = list.get(i);
            }
            links[base] = count;
            return count;
        }
    }

    int slot(AtomicReferenceArray<Object> nodes, int id) {
        int slot = (int) INTS.getAcquire(slots, id) - 1;
        return slot >= 0 ? slot : HnswInternals.item(nodes.get(id)).slot;
    }

    /** The flat level-0 lists: at {@code id * stride()} the count, then that many node ids. */
    int[] links() {
        return links;
    }

    int stride() {
        return stride;
    }

    boolean deleted(int id) {
        return deleted[id];
    }

    long bytes() {
        return 48L + 4L * slots.length + 4L * links.length + deleted.length;
    }

    /**
     * Where this mirror differs from the graph (null when it matches): for tests, with adds and removes excluded.
     */
    String differenceFrom(AtomicReferenceArray<Object> nodes, int count) {
        for (int id = 0; id < count; id++) {
            Object node = nodes.get(id);
            if (slot(nodes, id) != HnswInternals.item(node).slot || slots[id] == 0) {
                return "node " + id + ": slot " + (slots[id] - 1) + ", item's slot " + HnswInternals.item(node).slot;
            }
            if (deleted[id] != HnswInternals.deleted(node)) {
                return "node " + id + ": deleted " + deleted[id] + " but the graph says " + HnswInternals.deleted(node);
            }
            int[] graph = HnswInternals.connections(node)[0].toArray();
            int[] copy = Arrays.copyOfRange(links, id * stride + 1, id * stride + 1 + links[id * stride]);
            if (!Arrays.equals(graph, copy)) {
                return "node " + id + ": level-0 list " + Arrays.toString(copy) + " but the graph has "
                        + Arrays.toString(graph);
            }
        }
        return null;
    }
}
