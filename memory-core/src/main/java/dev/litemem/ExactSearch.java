package dev.litemem;

import dev.litemem.index.Metric;
import dev.litemem.internal.Database;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Brute-force top-n over the stored embeddings in SQLite: the baseline every index is measured against. */
final class ExactSearch {
    private ExactSearch() {
    }

    static List<Candidate> search(Database db, long collectionId, Metric metric, float[] query, int n, Filter filter) {
        float[] q = metric == Metric.COSINE ? normalized(query) : query;
        SqlWhere where = SqlWhere.of(collectionId, filter);
        return db.read(h -> {
            PriorityQueue<Candidate> top = new PriorityQueue<>(Comparator.comparingDouble(Candidate::score));
            where.bind(h.createQuery("SELECT r.row_id, r.embedding FROM records r WHERE " + where.sql()
                    + " AND r.embedding IS NOT NULL")).map((rs, ctx) -> {
                        Candidate c = new Candidate(rs.getLong(1), score(metric, q, rs.getBytes(2)));
                        if (top.size() < n) {
                            top.add(c);
                        } else if (c.score() > top.peek().score()) {
                            top.poll();
                            top.add(c);
                        }
                        return null;
                    }).forEach(x -> { });
            List<Candidate> best = new ArrayList<>(top);
            best.sort(Comparator.comparingDouble(Candidate::score).reversed());
            return best;
        });
    }

    static float score(Metric metric, float[] q, byte[] blob) {
        FloatBuffer v = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] x = new float[q.length];
        v.get(x);
        return score(metric, q, x);
    }

    /** The score of a stored vector against an already prepared query (normalized for cosine). */
    static float score(Metric metric, float[] q, float[] x) {
        switch (metric) {
            case COSINE: {
                double dot = 0;
                double norm = 0;
                for (int i = 0; i < q.length; i++) {
                    dot += q[i] * x[i];
                    norm += x[i] * x[i];
                }
                return norm == 0 ? 0f : (float) (dot / Math.sqrt(norm));
            }
            case DOT: {
                double dot = 0;
                for (int i = 0; i < q.length; i++) {
                    dot += q[i] * x[i];
                }
                return (float) dot;
            }
            default: {
                double sum = 0;
                for (int i = 0; i < q.length; i++) {
                    double d = q[i] - x[i];
                    sum += d * d;
                }
                return (float) -Math.sqrt(sum);
            }
        }
    }

    static float[] normalized(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }
}
