package dev.litemem.internal.memory;

import dev.litemem.Hit;
import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.RecallOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The recall score of Generative Agents (Park et al., 2023): {@code a * relevance + b * recency + c * importance}, each
 * part min-max normalized over the candidates, recency {@code decay ^ hours} since the last access or update.
 */
final class Scoring {
    private static final double MILLIS_PER_HOUR = 3_600_000.0;

    private Scoring() {
    }

    static List<MemoryHit> rank(List<Hit> hits, Map<String, MemoryItem> items, RecallOptions o, long now) {
        List<MemoryItem> kept = new ArrayList<>();
        List<double[]> parts = new ArrayList<>();
        for (Hit hit : hits) {
            MemoryItem m = items.get(hit.record().id());
            if (m == null) {
                continue; // deleted since the search read it
            }
            long touched = Math.max(m.lastAccessedAt().toEpochMilli(), m.updatedAt().toEpochMilli());
            double hours = Math.max(0, now - touched) / MILLIS_PER_HOUR;
            kept.add(m);
            parts.add(new double[] {hit.score(), Math.pow(o.decayPerHour(), hours), m.importance()});
        }
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (double[] p : parts) {
            for (int i = 0; i < 3; i++) {
                min[i] = Math.min(min[i], p[i]);
                max[i] = Math.max(max[i], p[i]);
            }
        }
        List<MemoryHit> out = new ArrayList<>(kept.size());
        for (int j = 0; j < kept.size(); j++) {
            double[] p = parts.get(j);
            double rel = normalize(p[0], min[0], max[0]);
            double rec = normalize(p[1], min[1], max[1]);
            double imp = normalize(p[2], min[2], max[2]);
            double score = o.relevanceWeight() * rel + o.recencyWeight() * rec + o.importanceWeight() * imp;
            out.add(new MemoryHit(kept.get(j), score, rel, rec, imp));
        }
        out.sort(Comparator.comparingDouble(MemoryHit::score).reversed()
                .thenComparing(h -> h.memory().id()));
        return out;
    }

    /** 0 to 1 over the candidates; when they all agree, the part tells them nothing apart: 1 for each. */
    static double normalize(double x, double min, double max) {
        return max > min ? (x - min) / (max - min) : 1.0;
    }
}
