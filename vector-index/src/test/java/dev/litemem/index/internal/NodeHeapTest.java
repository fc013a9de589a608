package dev.litemem.index.internal;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeHeapTest {

    /** Random pairs with many equal keys, so the value tie-break is exercised. */
    private static long[][] pairs(int count, long seed) {
        Random random = new Random(seed);
        long[][] pairs = new long[count][];
        for (int i = 0; i < count; i++) {
            pairs[i] = new long[] {Float.floatToIntBits(random.nextInt(50) / 4f - 3), random.nextInt(1000)};
        }
        return pairs;
    }

    private static float key(long[] pair) {
        return Float.intBitsToFloat((int) pair[0]);
    }

    @Test
    void popsInKeyOrderWithTiesByValueBothWays() {
        long[][] pairs = pairs(500, 1);
        NodeHeap nearest = NodeHeap.nearestFirst(4); // grows past its initial size
        NodeHeap farthest = NodeHeap.farthestFirst(4);
        for (long[] pair : pairs) {
            nearest.push(key(pair), pair[1]);
            farthest.push(key(pair), pair[1]);
        }
        Comparator<long[]> ascending = Comparator.comparingDouble((long[] p) -> key(p)).thenComparingLong(p -> p[1]);
        long[][] sorted = pairs.clone();
        Arrays.sort(sorted, ascending);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(key(sorted[i]), nearest.topKey());
            assertEquals(sorted[i][1], nearest.pop(), "nearest-first position " + i);
            long[] last = sorted[sorted.length - 1 - i];
            assertEquals(key(last), farthest.topKey());
            assertEquals(last[1], farthest.pop(), "farthest-first position " + i);
        }
        assertEquals(0, nearest.size());
        assertEquals(0, farthest.size());
    }

    @Test
    void aBoundedFarthestFirstHeapKeepsTheNearestAndEvictsTheLargerValueOnTies() {
        long[][] pairs = pairs(2000, 2);
        NodeHeap kept = NodeHeap.farthestFirst(10);
        for (long[] pair : pairs) {
            kept.offer(key(pair), pair[1], 10);
        }
        long[][] sorted = pairs.clone();
        Arrays.sort(sorted, Comparator.comparingDouble((long[] p) -> key(p)).thenComparingLong(p -> p[1]));
        assertEquals(10, kept.size());
        for (int i = 9; i >= 0; i--) {
            assertEquals(sorted[i][1], kept.pop());
        }
        NodeHeap full = NodeHeap.farthestFirst(2);
        assertTrue(full.offer(1f, 5, 2));
        assertTrue(full.offer(2f, 6, 2));
        assertFalse(full.offer(3f, 7, 2), "farther than the worst kept");
        assertFalse(full.offer(2f, 9, 2), "a tie with a larger value");
        assertTrue(full.offer(2f, 3, 2), "a tie with a smaller value replaces the worst");
        assertEquals(3, full.topValue());
    }
}
