package dev.litemem.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.LiteMem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The same backups and restores with an S3 destination: a real S3Proxy on loopback, never a mock. */
class S3BackupTest {
    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer("backups");

    @TempDir
    Path dir;

    @Test
    void restoresTwentyRandomPointsFromS3() throws Exception {
        try (BlobStore store = S3.open("prod/litemem")) {
            BackupRestoreTest.twentyRandomPoints(dir, store);
            List<String> keys = store.list("acme/");
            assertTrue(keys.contains("acme/manifest.json"), keys.toString());
            assertTrue(keys.stream().anyMatch(k -> k.startsWith("acme/base/")), keys.toString());
            assertEquals(4, keys.stream().filter(k -> k.startsWith("acme/log/")).count(), keys.toString());
        }
    }

    @Test
    void aDamagedObjectInTheBucketIsRefusedAndWrongCredentialsSaySo() throws Exception {
        Workload work = new Workload(2);
        try (BlobStore store = S3.open("damaged"); LiteMem mem = LiteMem.open(dir.resolve("t.db"))) {
            work.write(mem, 10);
            Backup.run(mem, "t", store);
            String base = store.list("t/base/").get(0);
            byte[] raw = store.get(base).orElseThrow();
            raw[100] ^= 1;
            store.put(base, raw);
            BackupException e = assertThrows(BackupException.class,
                    () -> Restore.run(store, "t", dir.resolve("r.db"), null, null, false));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("r.db")));
        }
        S3BlobStore.Settings wrong = new S3BlobStore.Settings(S3.endpoint(), "us-east-1", S3ProxyServer.ACCESS, "nope",
                true);
        try (BlobStore store = BlobStore.open("s3://backups/x", wrong)) {
            BackupException e = assertThrows(BackupException.class, () -> store.list("t/"));
            assertTrue(e.getMessage().contains("credentials"), e.getMessage());
        }
    }

    @Test
    void aKilledBackupToS3LeavesTheBucketConsistent() throws Exception {
        Path db = dir.resolve("k.db");
        String dest = "s3://backups/crash";
        for (int run = 0; run < 2; run++) {
            Process child = BackupCrashTest.startChild(null, "backup-s3", db.toString(), dest, "k", S3.endpoint(),
                    S3ProxyServer.ACCESS, S3ProxyServer.SECRET);
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(out.readLine() != null, "the child backed up");
            child.waitFor(50 + run * 150, java.util.concurrent.TimeUnit.MILLISECONDS);
            child.destroyForcibly().waitFor();
            try (BlobStore store = BlobStore.open(dest, S3.settings())) {
                BackupCrashTest.assertConsistent(store, "k");
            }
        }
        try (BlobStore store = BlobStore.open(dest, S3.settings()); LiteMem mem = LiteMem.open(db)) {
            assertEquals(mem.lastSequence(), Backup.run(mem, "k", store).position());
            Restore.run(store, "k", dir.resolve("k-restored.db"), null, null, false);
        }
    }
}
