package dev.litemem.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.LiteMem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New bases when due, and retention of bases by count and age with the segments only they needed. */
class RetentionTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheNewestBasesAndTheSegmentsTheyNeedAndRestoresWithinThem() throws Exception {
        Workload work = new Workload(21);
        BlobStore store = new DirectoryBlobStore(dir.resolve("dest"));
        Backup.Options everyPass = new Backup.Options(Duration.ZERO, 2, null);
        List<Long> baseSeqs = new ArrayList<>();
        try (LiteMem mem = LiteMem.open(dir.resolve("r.db"))) {
            for (int pass = 0; pass < 4; pass++) {
                work.write(mem, 25);
                Backup.Result r = Backup.run(mem, "r", store, everyPass);
                assertNotNull(r.newBase(), "a base is due at every pass");
                baseSeqs.add(r.newBase().seq());
                work.write(mem, 10);
                assertNotNullOrFirst(Backup.run(mem, "r", store, new Backup.Options(null, 2, null)));
            }
        }
        Manifest m = Manifest.read(store, "r").orElseThrow();
        assertEquals(List.of(baseSeqs.get(2), baseSeqs.get(3)), m.bases().stream().map(Manifest.Base::seq).toList(),
                "the newest 2 bases");
        assertTrue(m.segments().stream().allMatch(s -> s.to() > baseSeqs.get(2)), "no segment only older bases needed");
        assertEquals(m.bases().size() + m.segments().size(), store.list("r/base/").size() + store.list("r/log/").size(),
                "expired objects deleted");
        BackupCrashTest.assertConsistent(store, "r");

        BackupException gone = assertThrows(BackupException.class,
                () -> Restore.run(store, "r", dir.resolve("old.db"), baseSeqs.get(1), null, false));
        assertTrue(gone.getMessage().contains("before the oldest base"), gone.getMessage());
        // A write's own seq (its last entry): a seq inside a write's transaction restores the entries up to it.
        long point = work.ops.stream().mapToLong(Workload.Op::seq).filter(s -> s >= baseSeqs.get(2) + 5).min()
                .orElseThrow();
        Restore.Result r = Restore.run(store, "r", dir.resolve("mid.db"), point, null, false);
        assertEquals(baseSeqs.get(2), r.baseSeq());
        try (LiteMem restored = LiteMem.open(dir.resolve("mid.db"))) {
            Workload.assertSameRecords(work.at(point), restored, "within the kept bases");
        }

        try (LiteMem mem = LiteMem.open(dir.resolve("r.db"))) {
            work.write(mem, 3);
            Backup.run(mem, "r", store, new Backup.Options(null, 5, Duration.ZERO));
        }
        Manifest aged = Manifest.read(store, "r").orElseThrow();
        assertEquals(List.of(baseSeqs.get(3)), aged.bases().stream().map(Manifest.Base::seq).toList(),
                "older than --keep-for: all but the newest deleted");
        Restore.run(store, "r", dir.resolve("newest.db"), null, null, false);
        try (LiteMem restored = LiteMem.open(dir.resolve("newest.db"))) {
            Workload.assertSameRecords(work.at(Long.MAX_VALUE), restored, "newest after retention");
        }
    }

    private static void assertNotNullOrFirst(Backup.Result r) {
        assertEquals(null, r.newBase(), "not due: the chain goes on");
        assertTrue(r.entries() >= 20, "10 writes: each its entry and its row image (and a new collection's): "
                + r.entries());
    }
}
