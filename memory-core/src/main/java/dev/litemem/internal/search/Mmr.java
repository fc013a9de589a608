package dev.litemem.internal.search;

import dev.litemem.internal.store.Database;
import dev.litemem.internal.store.VectorCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maximal marginal relevance (Carbonell and Goldstein, 1998): picks, one at a time, the candidate that maximizes
 * lambda * relevance - (1 - lambda) * (its highest similarity to those already picked).
 */
public final class Mmr {
    private Mmr() {
    }

    static List<Candidate> rerank(Database db, float[] query, List<Candidate> candidates,
                                        int wanted, double lambda) {
        Map<Long, float[]> vectors = vectors(db, candidates, query.length);
        float[] q = query;
        List<Candidate> pool = new ArrayList<>();
        Map<Candidate, Float> relevance = new HashMap<>();
        for (Candidate s : candidates) {
            float[] v = vectors.get(s.rowId);
            if (v != null) {
                pool.add(s);
                relevance.put(s, (float) cosine(q, v));
            }
        }
        List<Candidate> picked = new ArrayList<>();
        while (picked.size() < wanted && !pool.isEmpty()) {
            Candidate best = null;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (Candidate s : pool) {
                double redundancy = 0;
                for (Candidate p : picked) {
                    redundancy = Math.max(redundancy, cosine(vectors.get(s.rowId), vectors.get(p.rowId)));
                }
                double value = lambda * relevance.get(s) - (1 - lambda) * redundancy;
                if (value > bestValue) {
                    bestValue = value;
                    best = s;
                }
            }
            picked.add(best);
            pool.remove(best);
        }
        return picked;
    }

    /** Relevance and redundancy are both cosine similarities, whatever the collection's metric. */
    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private static Map<Long, float[]> vectors(Database db, List<Candidate> candidates, int dimension) {
        StringBuilder in = new StringBuilder();
        for (Candidate s : candidates) {
            in.append(in.length() == 0 ? "" : ",").append(s.rowId);
        }
        if (in.length() == 0) {
            return Map.of();
        }
        return db.read(h -> {
            Map<Long, float[]> out = new HashMap<>();
            h.createQuery("SELECT row_id, embedding FROM records WHERE embedding IS NOT NULL AND row_id IN (" + in + ")")
                    .map((rs, ctx) -> {
                        // A row damaged outside LiteMem (wrong length, NaN) has no usable vector: it is left out.
                        float[] v = VectorCodec.decodeUsable(rs.getBytes(2), dimension, false);
                        return v == null ? null : out.put(rs.getLong(1), v);
                    }).forEach(x -> { });
            return out;
        });
    }
}
