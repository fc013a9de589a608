package dev.litemem.internal.filter;

import dev.litemem.internal.store.Database;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongPredicate;

/** The row ids a filter keeps, read once, as a predicate over index labels, and how many there are. */
public final class RowFilter implements LongPredicate {
    private final BitSet small;
    private final Set<Long> large;
    private final long count;

    private RowFilter(BitSet small, Set<Long> large, long count) {
        this.small = small;
        this.large = large;
        this.count = count;
    }

    /**
     * Runs the filter's SQL once on a reader (committed rows only, as the index holds committed rows only).
     *
     * @param where a clause with a filter, from {@link SqlWhere#of}
     */
    public static RowFilter matching(Database db, SqlWhere where) {
        BitSet small = new BitSet();
        Set<Long> large = new HashSet<>();
        long[] count = {0};
        db.readCommitted(h -> {
            where.bind(h.createQuery("SELECT r.row_id FROM " + where.from() + " WHERE " + where.sql())).mapTo(Long.class).forEach(rowId -> {
                count[0]++;
                if (rowId >= 0 && rowId < Integer.MAX_VALUE) {
                    small.set((int) (long) rowId);
                } else {
                    large.add(rowId);
                }
            });
            return null;
        });
        return new RowFilter(small, large, count[0]);
    }

    @Override
    public boolean test(long label) {
        if (label >= 0 && label < Integer.MAX_VALUE) {
            return small.get((int) label);
        }
        return !large.isEmpty() && large.contains(label);
    }

    /** How many rows the filter keeps. */
    public long count() {
        return count;
    }
}
