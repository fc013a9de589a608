package dev.litemem.internal.filter;

import dev.litemem.Filter;
import dev.litemem.internal.store.Database;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongPredicate;

/** The row ids a filter keeps, as a predicate over index labels. */
public final class RowFilter {
    private RowFilter() {
    }

    public static LongPredicate matching(Database db, long collectionId, Filter filter) {
        SqlWhere where = SqlWhere.of(collectionId, filter);
        BitSet small = new BitSet();
        Set<Long> large = new HashSet<>();
        db.readCommitted(h -> {
            where.bind(h.createQuery("SELECT r.row_id FROM records r WHERE " + where.sql())).mapTo(Long.class).forEach(rowId -> {
                if (rowId >= 0 && rowId < Integer.MAX_VALUE) {
                    small.set((int) (long) rowId);
                } else {
                    large.add(rowId);
                }
            });
            return null;
        });
        if (large.isEmpty()) {
            return label -> label >= 0 && label < Integer.MAX_VALUE && small.get((int) label);
        }
        return label -> label >= 0 && label < Integer.MAX_VALUE ? small.get((int) label) : large.contains(label);
    }
}
