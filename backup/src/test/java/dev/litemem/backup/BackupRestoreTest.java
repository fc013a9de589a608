package dev.litemem.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.ChangeLogConsumer;
import dev.litemem.LiteMem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup to a directory and point-in-time restore, each restore compared row for row with the writes replayed. */
class BackupRestoreTest {
    @TempDir
    Path dir;

    @Test
    void restoresTwentyRandomPointsBySeqAndByTimeEachEqualToTheWritesReplayed() throws Exception {
        twentyRandomPoints(dir, new DirectoryBlobStore(dir.resolve("dest")));
    }

    /** A tenant under a stream of writes, backed up five times; 20 restores at random points, each compared. */
    static void twentyRandomPoints(Path dir, BlobStore store) throws Exception {
        Path db = dir.resolve("acme.db");
        Workload work = new Workload(15);
        List<Backup.Result> passes = new ArrayList<>();
        try (LiteMem mem = LiteMem.open(db)) {
            work.write(mem, 30);
            passes.add(Backup.run(mem, "acme", store));
            assertTrue(passes.get(0).imagesTurnedOn(), "the first pass turns the file's change images on");
            assertTrue(mem.keepsChangeImages());
            assertNotNull(passes.get(0).newBase(), "the first pass takes a base");
            String consumer = Backup.consumerName(store);
            for (int round = 0; round < 4; round++) {
                work.write(mem, 80);
                mem.pruneChangeLog();
                passes.add(Backup.run(mem, "acme", store));
                Backup.Result last = passes.get(passes.size() - 1);
                assertNull(last.newBase(), "the chain goes on: pruning waited for the backup's consumer");
                assertEquals(mem.lastSequence() - passes.get(passes.size() - 2).position(), last.entries());
                assertTrue(last.entries() >= 160, "80 writes: each its entry and its row image");
                assertEquals(mem.lastSequence(), last.position());
                ChangeLogConsumer c = mem.changeLogConsumers().stream().filter(x -> x.name().equals(consumer))
                        .findFirst().orElseThrow();
                assertEquals(mem.lastSequence(), c.position(), "acknowledged after the manifest was written");
            }
            assertEquals(0, Backup.run(mem, "acme", store).entries(), "nothing new: nothing written");
        }
        long baseSeq = passes.get(0).newBase().seq();
        List<Workload.Op> after = work.ops.stream().filter(o -> o.seq() >= baseSeq).toList();
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            Workload.Op op = after.get(random.nextInt(after.size()));
            boolean byTime = i % 2 == 1;
            long expectedSeq = byTime ? work.seqAtTime(op.at()) : op.seq();
            Path target = dir.resolve("restored-" + i + ".db");
            Restore.Result r = Restore.run(store, "acme", target, byTime ? null : op.seq(),
                    byTime ? Instant.ofEpochMilli(op.at()) : null, false);
            assertEquals(expectedSeq, r.seq(), "point " + i);
            assertEquals(baseSeq, r.baseSeq());
            try (LiteMem restored = LiteMem.open(target)) {
                Workload.assertSameRecords(work.at(expectedSeq), restored, "point " + i + " (seq " + expectedSeq
                        + (byTime ? ", by time" : "") + ")");
                assertEquals(r.incarnation(), restored.incarnation());
                restored.collection("notes").upsert(dev.litemem.Record.builder().id("new").text("after")
                        .vector(new float[] {1, 1, 1}).build());
                assertTrue(restored.lastSequence() > expectedSeq, "new changes follow the restored point's seqs");
            }
        }
    }

    @Test
    void restoreRefusesAnExistingFileUnlessForcedAndADamagedSegmentLeavesTheTargetUntouched() throws Exception {
        Path db = dir.resolve("t1.db");
        Workload work = new Workload(3);
        BlobStore store = new DirectoryBlobStore(dir.resolve("dest"));
        String incarnation;
        try (LiteMem mem = LiteMem.open(db)) {
            work.write(mem, 10);
            Backup.run(mem, "t1", store);
            work.write(mem, 20);
            Backup.run(mem, "t1", store);
            incarnation = mem.incarnation();
        }
        Path target = dir.resolve("out.db");
        Files.writeString(target, "keep me");
        BackupException refused = assertThrows(BackupException.class,
                () -> Restore.run(store, "t1", target, null, null, false));
        assertTrue(refused.getMessage().contains("--force"), refused.getMessage());
        assertEquals("keep me", Files.readString(target));

        String segment = store.list("t1/log/").get(0);
        byte[] raw = store.get(segment).orElseThrow();
        raw[raw.length / 2] ^= 1;
        Files.write(dir.resolve("dest").resolve(segment), raw);
        BackupException damaged = assertThrows(BackupException.class,
                () -> Restore.run(store, "t1", target, null, null, true));
        assertTrue(damaged.getMessage().contains("checksum"), damaged.getMessage());
        assertEquals("keep me", Files.readString(target), "never destroyed before verification");
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".restore-")), "no temp file left");
        }

        Restore.Result atBase = Restore.run(store, "t1", target, work.ops.get(9).seq(), null, true);
        try (LiteMem restored = LiteMem.open(target)) {
            Workload.assertSameRecords(work.at(atBase.seq()), restored, "at the base");
            assertNotEquals(incarnation, restored.incarnation(), "a restored file has a new incarnation");
        }
        BackupException beyond = assertThrows(BackupException.class,
                () -> Restore.run(store, "t1", dir.resolve("x.db"), 10_000L, null, false));
        assertTrue(beyond.getMessage().contains("beyond"), beyond.getMessage());
        BackupException none = assertThrows(BackupException.class,
                () -> Restore.run(store, "nobody", dir.resolve("y.db"), null, null, false));
        assertTrue(none.getMessage().contains("no backup"), none.getMessage());
    }

    @Test
    void entriesWrittenWithoutImagesOrANewIncarnationStartANewBase() throws Exception {
        Path db = dir.resolve("t2.db");
        Workload work = new Workload(5);
        BlobStore store = new DirectoryBlobStore(dir.resolve("dest"));
        try (LiteMem mem = LiteMem.open(db)) {
            work.write(mem, 10);
            Backup.run(mem, "t2", store);
            mem.keepChangeImages(false);
            work.write(mem, 5);
            Backup.Result second = Backup.run(mem, "t2", store);
            assertTrue(second.imagesTurnedOn());
            assertNotNull(second.newBase(), "entries without images cannot be replayed: a new base");
            assertEquals(mem.lastSequence(), second.newBase().seq());
            mem.newIncarnation();
            work.write(mem, 5);
            Backup.Result third = Backup.run(mem, "t2", store);
            assertNotNull(third.newBase(), "a new incarnation starts a new chain");
            Restore.Result r = Restore.run(store, "t2", dir.resolve("r.db"), null, null, false);
            assertEquals(mem.lastSequence(), r.seq());
            try (LiteMem restored = LiteMem.open(dir.resolve("r.db"))) {
                Workload.assertSameRecords(work.at(Long.MAX_VALUE), restored, "newest");
            }
        }
    }

    @Test
    void aStateHashThatDoesNotMatchTheRowsFailsVerificationAndNothingIsPutInPlace() throws Exception {
        BlobStore store = new DirectoryBlobStore(dir.resolve("dest"));
        try (LiteMem mem = LiteMem.open(dir.resolve("v.db"))) {
            new Workload(9).write(mem, 12);
            Backup.run(mem, "v", store);
        }
        Manifest m = Manifest.read(store, "v").orElseThrow();
        Manifest.Base b = m.bases().get(0);
        String wrong = StateHash.ofHex(b.state()).plus(new byte[] {1}).hex();
        new Manifest(m.format(), m.tenant(), List.of(new Manifest.Base(b.seq(), b.at(), b.incarnation(), b.key(),
                b.sha256(), b.bytes(), wrong, b.hash(), b.schema())), m.segments(), m.updated(), null).write(store);
        BackupException e = assertThrows(BackupException.class,
                () -> Restore.run(store, "v", dir.resolve("v-restored.db"), null, null, false));
        assertTrue(e.getMessage().contains("hash to"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("v-restored.db")));
    }

    @Test
    void aFormatOneManifestIsStillRestoredWithItsRecordOnlyHashAndTheNextPassStartsAFormatTwoChain() throws Exception {
        BlobStore store = new DirectoryBlobStore(dir.resolve("dest"));
        Path db = dir.resolve("old.db");
        Workload work = new Workload(3);
        try (LiteMem mem = LiteMem.open(db)) {
            work.write(mem, 10);
            Backup.run(mem, "old", store);
        }
        // The manifest as format 1 wrote it: no hash version, no schema fingerprint, the records' RowHash v1 sum.
        Manifest.Base b = Manifest.read(store, "old").orElseThrow().bases().get(0);
        Path copy = dir.resolve("base-copy.db");
        store.download(b.key(), copy);
        String v1;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + copy)) {
            v1 = Backup.recordStateOf(c).hex();
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode m = json.createObjectNode();
        m.put("format", 1).put("tenant", "old");
        m.putArray("bases").addObject().put("seq", b.seq()).put("at", b.at()).put("incarnation", b.incarnation())
                .put("key", b.key()).put("sha256", b.sha256()).put("bytes", b.bytes()).put("state", v1);
        m.putArray("segments");
        m.put("updated", 1L).putNull("checksum");
        byte[] unsigned = json.writeValueAsBytes(m);
        m.put("checksum", java.util.HexFormat.of().formatHex(Segment.sha256(unsigned, unsigned.length)));
        store.put("old/" + Manifest.NAME, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));

        Restore.Result r = Restore.run(store, "old", dir.resolve("old-restored.db"), null, null, false);
        assertEquals(1, r.hashVersion(), "restored and verified with the record-only hash");
        assertEquals(v1, r.stateHash());
        try (LiteMem restored = LiteMem.open(dir.resolve("old-restored.db"))) {
            Workload.assertSameRecords(work.at(Long.MAX_VALUE), restored, "a format 1 base");
        }
        try (LiteMem mem = LiteMem.open(db)) {
            Backup.Result next = Backup.run(mem, "old", store);
            assertNotNull(next.newBase(), "a chain of hash v1 is not continued: a new base");
            assertEquals(2, next.newBase().hashVersion());
        }
        Manifest now = Manifest.read(store, "old").orElseThrow();
        assertEquals(Manifest.FORMAT, now.format());
        assertEquals(List.of(1, 2), now.bases().stream().map(Manifest.Base::hashVersion).toList());
    }
}
