package dev.litemem.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.litemem.Collection;
import dev.litemem.CollectionInfo;
import dev.litemem.CollectionSpec;
import dev.litemem.LiteMem;
import dev.litemem.Page;
import dev.litemem.Record;
import dev.litemem.index.Metric;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A stream of random writes (inserts, updates, deletes over two collections, the second made midway) that remembers
 * each write's sequence number and time, so that the expected content at any point is the writes replayed into a
 * plain map: the reference a restore is compared with, row for row.
 */
final class Workload {
    /** One write: a record as written, or null for a delete; its change's seq and time. */
    record Op(String collection, String id, Record record, long seq, long at) {
    }

    final List<Op> ops = new ArrayList<>();
    private final Random random;
    private final Map<String, List<String>> live = new HashMap<>();
    private int counter;

    Workload(long seed) {
        this.random = new Random(seed);
    }

    /** Makes {@code n} writes to {@code mem}. */
    void write(LiteMem mem, int n) {
        for (int i = 0; i < n; i++) {
            String collection = ops.size() > 60 && random.nextBoolean() ? "docs" : "notes";
            Collection c = mem.collection(collection, CollectionSpec.vectors(3, Metric.COSINE));
            List<String> ids = live.computeIfAbsent(collection, k -> new ArrayList<>());
            int kind = ids.size() < 5 ? 0 : random.nextInt(4);
            Record written;
            String id;
            if (kind == 3) {
                id = ids.remove(random.nextInt(ids.size()));
                c.delete(id);
                written = null;
            } else {
                id = kind == 0 ? "r" + counter++ : ids.get(random.nextInt(ids.size()));
                Map<String, Object> metadata = new LinkedHashMap<>();
                metadata.put("n", random.nextInt(1000));
                metadata.put("score", random.nextDouble());
                metadata.put("tags", List.of("a\u00e9", "b\"q\""));
                Record.Builder b = Record.builder().id(id).text("text " + random.nextInt() + " \u2603 \"x\"\n")
                        .metadata(metadata).vector(new float[] {random.nextFloat() + 0.1f, random.nextFloat(),
                                random.nextFloat()});
                if (random.nextBoolean()) {
                    b.source("doc-" + random.nextInt(5) + ".md", random.nextInt(10));
                }
                written = b.build();
                c.upsert(written);
                if (kind == 0) {
                    ids.add(id);
                }
            }
            long[] last = mem.withReadHandle(h -> h.createQuery("SELECT seq, at FROM changes ORDER BY seq DESC LIMIT 1")
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).one());
            ops.add(new Op(collection, id, written, last[0], last[1]));
        }
    }

    /** The records at {@code seq}: collection, then id, to the record as written. */
    Map<String, Map<String, Record>> at(long seq) {
        Map<String, Map<String, Record>> state = new TreeMap<>();
        for (Op op : ops) {
            if (op.seq() > seq) {
                break;
            }
            Map<String, Record> rows = state.computeIfAbsent(op.collection(), k -> new TreeMap<>());
            if (op.record() == null) {
                rows.remove(op.id());
            } else {
                rows.put(op.id(), op.record());
            }
        }
        return state;
    }

    /** The newest seq of a write at or before {@code at}. */
    long seqAtTime(long at) {
        long seq = 0;
        for (Op op : ops) {
            if (op.at() <= at) {
                seq = Math.max(seq, op.seq());
            }
        }
        return seq;
    }

    /** Asserts that {@code restored} holds exactly {@code expected}: the same records with the same content. */
    static void assertSameRecords(Map<String, Map<String, Record>> expected, LiteMem restored, String what) {
        Map<String, Map<String, Record>> actual = new TreeMap<>();
        for (CollectionInfo info : restored.collections()) {
            Map<String, Record> rows = new TreeMap<>();
            String cursor = null;
            do {
                Page<Record> page = restored.collection(info.name()).list(cursor, 500);
                page.items().forEach(r -> rows.put(r.id(), r));
                cursor = page.nextCursor();
            } while (cursor != null);
            if (!rows.isEmpty()) {
                actual.put(info.name(), rows);
            }
        }
        Map<String, Map<String, Record>> nonEmpty = new TreeMap<>(expected);
        nonEmpty.values().removeIf(Map::isEmpty);
        assertEquals(nonEmpty.keySet(), actual.keySet(), what + ": collections");
        for (String collection : nonEmpty.keySet()) {
            Map<String, Record> e = nonEmpty.get(collection);
            Map<String, Record> a = actual.get(collection);
            assertEquals(e.keySet(), a.keySet(), what + ": ids of " + collection);
            for (String id : e.keySet()) {
                Record want = e.get(id);
                Record got = a.get(id);
                assertEquals(want.text(), got.text(), what + ": text of " + id);
                assertEquals(want.metadata(), got.metadata(), what + ": metadata of " + id);
                assertEquals(want.source(), got.source(), what + ": source of " + id);
                assertEquals(want.chunk(), got.chunk(), what + ": chunk of " + id);
                assertArrayEquals(want.vector(), got.vector(), what + ": vector of " + id);
            }
        }
    }
}
