package dev.litemem.backup;

import dev.litemem.LiteMem;
import java.nio.file.Path;

/**
 * The child JVM of {@link BackupCrashTest}: {@code backup DB DEST TENANT} writes and backs up in a loop, printing a
 * line after each pass, until killed ({@code backup-s3 DB s3://B/P TENANT ENDPOINT ACCESS SECRET}: to S3); {@code restore DEST TENANT TARGET} restores once and prints {@code restored}.
 */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        if (args[0].startsWith("backup")) {
            Workload work = new Workload(System.nanoTime());
            BlobStore destination = args[0].equals("backup-s3")
                    ? BlobStore.open(args[2], new S3BlobStore.Settings(args[4], "us-east-1", args[5], args[6], true))
                    : new DirectoryBlobStore(Path.of(args[2]));
            try (LiteMem mem = LiteMem.open(Path.of(args[1])); BlobStore store = destination) {
                for (int pass = 0; ; pass++) {
                    work.write(mem, 40);
                    Backup.Result r = Backup.run(mem, args[3], store);
                    System.out.println("pass " + pass + " " + r.position());
                    System.out.flush();
                }
            }
        }
        try (BlobStore store = new DirectoryBlobStore(Path.of(args[1]))) {
            Restore.run(store, args[2], Path.of(args[3]), null, null, false);
            System.out.println("restored");
        }
    }
}
