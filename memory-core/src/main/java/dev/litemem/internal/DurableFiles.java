package dev.litemem.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files replaced so that a crash leaves the old content or the new, never a torn one, and durable once written: a
 * temp file beside the target, fsynced, renamed over it, the folder fsynced. The one copy of that sequence for
 * LiteMem's modules (the server's data folder, the cluster's placement file, backups in a folder).
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    /** Writes a replacement's content into its temp file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path temp) throws IOException;
    }

    /** Forces the file's bytes to the device. */
    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Makes the creations and renames in a folder durable. Where a folder cannot be opened for that (Windows), this
     * does nothing: the renames are still atomic, and only their survival of a power loss is the OS's business.
     */
    public static void fsyncFolder(Path folder) throws IOException {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (AccessDeniedException | UnsupportedOperationException e) {
            // A folder cannot be opened here (see above).
        }
    }

    /**
     * Renames {@code from} to {@code to}, replacing it, atomically: a reader sees the old file or the new one. Where
     * the file system cannot rename atomically, {@code atomicRequired} decides: refuse with
     * {@link AtomicMoveNotSupportedException}, or rename plainly.
     */
    public static void move(Path from, Path to, boolean atomicRequired) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            if (atomicRequired) {
                throw e;
            }
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Replaces {@code target} with what {@code content} writes: into {@code temp} (beside the target, so the rename
     * stays in one file system), fsynced, moved over the target ({@link #move}), the folder fsynced. The temp file is
     * gone afterwards, whatever happened.
     */
    public static void replace(Path target, Path temp, Content content, boolean atomicRequired) throws IOException {
        try {
            content.writeTo(temp);
            fsync(temp);
            move(temp, target, atomicRequired);
            fsyncFolder(target.toAbsolutePath().getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
