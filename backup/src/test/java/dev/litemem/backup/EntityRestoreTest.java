package dev.litemem.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.Scope;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time restore replays agent memory and work state too (docs/OPERATIONS.md): under a stream mixing records,
 * memories (remember, supersede, delete, undo, forget) and work state (put, compare-and-set, delete, journal,
 * idempotent steps), a restore at random points equals, row for row, the file as it was at that point (every table
 * an image reproduces; memory_versions and superseded_actor are not imaged and are left out, as documented).
 */
class EntityRestoreTest {
    static final Map<String, String> TABLES = Map.of(
            "memory records", "SELECT r.row_id, r.id, r.text, r.metadata, r.source, r.chunk, r.created_at,"
                    + " r.updated_at, r.embedding FROM records r JOIN collections c ON c.id = r.collection_id"
                    + " WHERE c.name = '_memories' ORDER BY r.row_id",
            "memories", "SELECT row_id, id, user_id, agent_id, session_id, kind, importance, text_key, expires_at,"
                    + " valid_from, valid_to, superseded_by, last_accessed_at FROM memories ORDER BY row_id",
            "work_state", "SELECT * FROM work_state ORDER BY user_id, agent_id, session_id, key",
            "journal", "SELECT * FROM journal ORDER BY seq",
            "idempotency_keys", "SELECT * FROM idempotency_keys ORDER BY key",
            "records", "SELECT r.row_id, r.id, r.text, r.metadata FROM records r JOIN collections c"
                    + " ON c.id = r.collection_id WHERE c.name = 'notes' ORDER BY r.row_id");
    static final LiteMemOptions OPTIONS = LiteMemOptions.builder().embedder(new WordHashEmbedder()).build();

    @TempDir
    Path dir;

    static Map<String, List<String>> rows(Handle h) {
        Map<String, List<String>> out = new TreeMap<>();
        try (Statement s = h.getConnection().createStatement()) {
            for (Map.Entry<String, String> t : TABLES.entrySet()) {
                List<String> lines = new ArrayList<>();
                try (ResultSet rs = s.executeQuery(t.getValue())) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder line = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            line.append(md.getColumnName(i)).append('=')
                                    .append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v))
                                    .append(' ');
                        }
                        lines.add(line.toString());
                    }
                }
                out.put(t.getKey(), lines);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    @Test
    void restoresAtRandomPointsEqualTheFileAtThatPointForMemoryAndWorkStateToo() throws Exception {
        Path db = dir.resolve("acme.db");
        BlobStore store = new DirectoryBlobStore(dir.resolve("dest"));
        Random random = new Random(11);
        Map<Long, Map<String, List<String>>> reference = new LinkedHashMap<>();
        long baseSeq;
        try (LiteMem mem = LiteMem.open(db, OPTIONS)) {
            mem.memory();
            mem.collection("notes").upsert(Record.of("n0", "before the base", Map.of()));
            baseSeq = Backup.run(mem, "acme", store).newBase().seq();
            List<String> live = new ArrayList<>();
            for (int step = 0; step < 120; step++) {
                Scope scope = Scope.forUser("u" + random.nextInt(3));
                int op = random.nextInt(10);
                switch (op) {
                    case 0, 1 -> live.add(mem.memory().remember(scope, "fact " + step + " about topic "
                            + random.nextInt(20) + " and word " + random.nextInt(50)).id());
                    case 2 -> {
                        if (!live.isEmpty()) {
                            String id = live.remove(random.nextInt(live.size()));
                            if (mem.memory().get(id).map(MemoryItem::validTo).orElse(null) == null
                                    && mem.memory().get(id).isPresent()) {
                                live.add(mem.memory().supersede(id, "fact " + step + " replaces an older one",
                                        RememberOptions.defaults()).id());
                            }
                        }
                    }
                    case 3 -> {
                        if (!live.isEmpty()) {
                            mem.memory().delete(live.remove(random.nextInt(live.size())));
                        }
                    }
                    case 4 -> mem.memory().undo(scope, 1);
                    case 5 -> {
                        if (step % 30 == 29) {
                            mem.memory().forget(scope);
                        } else {
                            mem.work().state(scope).put("k" + random.nextInt(4), "{\"step\":" + step + "}");
                        }
                    }
                    case 6 -> {
                        var state = mem.work().state(scope);
                        String k = "k" + random.nextInt(4);
                        long v = state.get(k).map(e -> e.version()).orElse(0L);
                        state.compareAndSet(k, v, "[" + step + "]");
                    }
                    case 7 -> mem.work().state(scope).delete("k" + random.nextInt(4));
                    case 8 -> {
                        mem.work().journal("run-" + random.nextInt(2)).append("step", "{\"n\":" + step + "}");
                        mem.work().once("key-" + random.nextInt(5), Duration.ofHours(1), () -> "{\"at\":" + 1 + "}");
                    }
                    default -> mem.collection("notes").upsert(Record.of("n" + random.nextInt(10), "note " + step,
                            Map.of("step", step)));
                }
                reference.put(mem.lastSequence(), mem.withReadHandle(EntityRestoreTest::rows));
                if (step % 40 == 39) {
                    Backup.run(mem, "acme", store);
                }
            }
            Backup.run(mem, "acme", store);
        }
        List<Long> points = new ArrayList<>(reference.keySet().stream().filter(s -> s > baseSeq).distinct().toList());
        assertFalse(points.isEmpty());
        java.util.Collections.shuffle(points, random);
        for (int i = 0; i < Math.min(10, points.size()); i++) {
            long seq = points.get(i);
            Path target = dir.resolve("restored-" + seq + ".db");
            Restore.run(store, "acme", target, seq, null, false);
            try (LiteMem restored = LiteMem.open(target, OPTIONS)) {
                assertEquals(reference.get(seq), restored.withReadHandle(EntityRestoreTest::rows), "at seq " + seq);
            }
        }
    }
}
