package dev.litemem.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.LiteMem;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of a backup mid-write and of a restore mid-way, in a child JVM: afterwards every manifest names only objects
 * that are present and pass their checksums, and a target file exists only if the restore reported it restored.
 * {@value #RUNS_PROPERTY} sets the number of kills of each (default 3; the bar is 20).
 */
class BackupCrashTest {
    static final String RUNS_PROPERTY = "litemem.backup.crashRuns";
    private static final int RUNS = Integer.getInteger(RUNS_PROPERTY, 3);

    @TempDir
    Path dir;

    @Test
    void aKilledBackupNeverLeavesADamagedDestinationAndTheNextPassGoesOn() throws Exception {
        Path db = dir.resolve("crash.db");
        Path dest = dir.resolve("dest");
        Random random = new Random(11);
        for (int run = 0; run < RUNS; run++) {
            Process child = start(null, "backup", db.toString(), dest.toString(), "crash");
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            int passes = 1 + random.nextInt(3);
            for (int i = 0; i < passes; i++) {
                assertNotNull(out.readLine(), "the child backed up");
            }
            // Killed at a random moment of the next pass (writing, exporting, uploading, writing the manifest).
            child.waitFor(random.nextInt(400), TimeUnit.MILLISECONDS);
            child.destroyForcibly().waitFor();
            assertDestinationConsistent(dest, "crash");
        }
        try (LiteMem mem = LiteMem.open(db); BlobStore store = new DirectoryBlobStore(dest)) {
            Backup.Result last = Backup.run(mem, "crash", store);
            assertEquals(mem.lastSequence(), last.position(), "the next pass catches up");
            assertEquals(0, Backup.collectGarbage(store, Manifest.read(store, "crash").orElseThrow()),
                    "the pass deleted what killed passes left");
            Path restored = dir.resolve("restored.db");
            Restore.run(store, "crash", restored, null, null, false);
            try (Connection a = DriverManager.getConnection("jdbc:sqlite:" + db);
                 Connection b = DriverManager.getConnection("jdbc:sqlite:" + restored)) {
                assertEquals(Backup.stateOf(a), Backup.stateOf(b), "the newest restore holds the file's records");
            }
        }
    }

    @Test
    void aKilledRestoreNeverLeavesAFileThatClaimsToBeRestored() throws Exception {
        Path db = dir.resolve("src.db");
        Path dest = dir.resolve("dest");
        Workload work = new Workload(1);
        try (LiteMem mem = LiteMem.open(db); BlobStore store = new DirectoryBlobStore(dest)) {
            work.write(mem, 300);
            Backup.run(mem, "src", store);
            work.write(mem, 300);
            Backup.run(mem, "src", store);
        }
        Random random = new Random(13);
        int completed = 0;
        for (int run = 0; run < RUNS; run++) {
            Path target = dir.resolve("target-" + run + ".db");
            Path log = dir.resolve("restore-" + run + ".out");
            Process child = start(log, "restore", dest.toString(), "src", target.toString());
            // Mid-way: once its temp file exists (download, replay, verification), after a random moment more.
            String temp = "." + target.getFileName() + ".restore-";
            while (child.isAlive() && !tempExists(temp)) {
                child.waitFor(2, TimeUnit.MILLISECONDS);
            }
            child.waitFor(random.nextInt(150), TimeUnit.MILLISECONDS);
            child.destroyForcibly().waitFor();
            String printed = Files.readString(log);
            if (printed.contains("restored")) {
                completed++;
                try (LiteMem restored = LiteMem.open(target)) {
                    Workload.assertSameRecords(work.at(Long.MAX_VALUE), restored, "a completed restore");
                }
            } else {
                assertFalse(Files.exists(target), "run " + run + ": killed before it reported, no file at the target");
            }
        }
        Path target = dir.resolve("target-0.db");
        Files.deleteIfExists(target);
        try (BlobStore store = new DirectoryBlobStore(dest)) {
            Restore.run(store, "src", target, null, null, false);
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".target-0.db.restore-")),
                    "the next restore to a target removed what a killed one left");
        }
        assertTrue(completed < RUNS, "at least one restore was killed mid-way (" + completed + " of " + RUNS
                + " completed first)");
    }

    private boolean tempExists(String prefix) throws Exception {
        try (var files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        }
    }

    /** Every object a manifest names is present and matches its SHA-256; every segment decodes. */
    static void assertDestinationConsistent(Path dest, String tenant) throws Exception {
        try (BlobStore store = new DirectoryBlobStore(dest)) {
            assertConsistent(store, tenant);
        }
    }

    static void assertConsistent(BlobStore store, String tenant) throws Exception {
        Manifest m = Manifest.read(store, tenant).orElse(null);
        if (m == null) {
            return; // killed before the first manifest: nothing claims anything
        }
        for (Manifest.Base b : m.bases()) {
            byte[] raw = store.get(b.key()).orElseThrow(() -> new AssertionError(b.key() + " is missing"));
            assertEquals(b.sha256(), HexFormat.of().formatHex(Segment.sha256(raw, raw.length)), b.key());
        }
        for (Manifest.SegmentRef s : m.segments()) {
            byte[] raw = store.get(s.key()).orElseThrow(() -> new AssertionError(s.key() + " is missing"));
            assertEquals(s.sha256(), HexFormat.of().formatHex(Segment.sha256(raw, raw.length)), s.key());
            assertEquals(s.entries(), Segment.decode(raw, s.key()).entries().size());
        }
    }

    /** A child JVM running {@link CrashChild}; its stdout to {@code out}, or readable from the process when null. */
    private Process start(Path out, String... args) throws Exception {
        return startChild(out, args);
    }

    static Process startChild(Path out, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx256m", CrashChild.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (out != null) {
            builder.redirectOutput(out.toFile());
        }
        return builder.start();
    }
}
