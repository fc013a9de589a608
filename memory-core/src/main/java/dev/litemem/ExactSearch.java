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

/** Brute-force top-k over the stored embeddings: the correctness baseline every index is measured against. */
final class ExactSearch {
    private ExactSearch() {
    }

    static List<Hit> search(Database db, long collectionId, Metric metric, float[] query, int k, Filter filter) {
        float[] q = metric == Metric.COSINE ? normalized(query) : query;
        SqlWhere where = SqlWhere.of(collectionId, filter);
        return db.read(h -> {
            PriorityQueue<long[]> top = new PriorityQueue<>(Comparator.comparingDouble(e -> Float.intBitsToFloat((int) e[1])));
            where.bind(h.createQuery("SELECT r.row_id, r.embedding FROM records r WHERE " + where.sql()
                    + " AND r.embedding IS NOT NULL")).map((rs, ctx) -> {
                        long rowId = rs.getLong(1);
                        float score = score(metric, q, rs.getBytes(2));
                        if (top.size() < k) {
                            top.add(new long[] {rowId, Float.floatToIntBits(score)});
                        } else if (score > Float.intBitsToFloat((int) top.peek()[1])) {
                            top.poll();
                            top.add(new long[] {rowId, Float.floatToIntBits(score)});
                        }
                        return null;
                    }).forEach(x -> { });
            List<long[]> best = new ArrayList<>(top);
            best.sort(Comparator.comparingDouble((long[] e) -> Float.intBitsToFloat((int) e[1])).reversed());
            List<Hit> hits = new ArrayList<>(best.size());
            for (long[] e : best) {
                Record r = h.createQuery("SELECT " + RecordRows.COLUMNS + " FROM records r WHERE r.row_id = ?")
                        .bind(0, e[0]).map((rs, ctx) -> RecordRows.map(rs)).one();
                hits.add(new Hit(r, Float.intBitsToFloat((int) e[1])));
            }
            return hits;
        });
    }

    static float score(Metric metric, float[] q, byte[] blob) {
        FloatBuffer v = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        switch (metric) {
            case COSINE: {
                double dot = 0;
                double norm = 0;
                for (int i = 0; i < q.length; i++) {
                    float x = v.get(i);
                    dot += q[i] * x;
                    norm += x * x;
                }
                return norm == 0 ? 0f : (float) (dot / Math.sqrt(norm));
            }
            case DOT: {
                double dot = 0;
                for (int i = 0; i < q.length; i++) {
                    dot += q[i] * v.get(i);
                }
                return (float) dot;
            }
            default: {
                double sum = 0;
                for (int i = 0; i < q.length; i++) {
                    double d = q[i] - v.get(i);
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
