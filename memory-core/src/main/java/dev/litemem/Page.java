package dev.litemem;

import java.util.List;

/**
 * One page of a listing, in id order. Pass {@link #nextCursor()} to get the next page; it is null on the last page.
 */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = List.copyOf(items);
    }

    public boolean hasNext() {
        return nextCursor != null;
    }
}
