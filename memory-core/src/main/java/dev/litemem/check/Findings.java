package dev.litemem.check;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The findings of one check, at most {@value #PER_KIND} named one by one per kind, then one that counts the rest. */
final class Findings {
    static final int PER_KIND = 100;
    private final List<Finding> list = new ArrayList<>();
    private final Map<Finding.Kind, Integer> counts = new EnumMap<>(Finding.Kind.class);
    private final Map<Finding.Kind, String> tables = new EnumMap<>(Finding.Kind.class);

    void add(Finding.Kind kind, String table, Long row, String message) {
        int n = counts.merge(kind, 1, Integer::sum);
        if (n <= PER_KIND) {
            list.add(new Finding(kind, table, row, message));
        }
        tables.putIfAbsent(kind, table);
    }

    List<Finding> list() {
        List<Finding> out = new ArrayList<>(list);
        counts.forEach((kind, n) -> {
            if (n > PER_KIND) {
                out.add(new Finding(kind, tables.get(kind), null, (n - PER_KIND) + " more " + kind.id()
                        + " finding(s) like the ones above were not listed one by one"));
            }
        });
        return out;
    }
}
