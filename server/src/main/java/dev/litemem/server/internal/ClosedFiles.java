package dev.litemem.server.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each tenant file held when this server (or an earlier one on the same data folder) last closed it: its size
 * and the CRC-32C of its bytes, one small file per tenant in {@code DATA/.checked/}. A tenant file that passed the
 * quick check when it was opened, and was then written only by its store, is sound when the store closes; if, when it
 * is opened next, it has no write-ahead log beside it and the same size and CRC, it is byte for byte that file, and the
 * quick check (which reads every page, and opens a connection of its own) is not run again: reading the file once for
 * its CRC costs a tenth of it. Any other change (a restore, a repair, a copy, damage on disk) gives another CRC, and
 * the quick check runs as before. A missing, unreadable or foreign record only means the check runs.
 */
final class ClosedFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ClosedFiles.class);
    private static final String VERSION = "litemem-closed-file v1";
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(256 << 10));
    private final Path dir;
    private volatile boolean dirMade;

    ClosedFiles(Path dir) {
        this.dir = dir;
    }

    /** Whether {@code db} is exactly the file as it was recorded when its store closed, with no WAL beside it. */
    boolean unchangedSinceClosed(String name, Path db) {
        String recorded;
        try {
            recorded = Files.readString(dir.resolve(name), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return false; // never closed by a server since the record was kept: checked
        } catch (IOException e) {
            LOG.warn("The record of tenant '{}' as last closed cannot be read ({}): its file is checked", name, e.toString());
            return false;
        }
        try {
            return !hasWal(db) && recorded.equals(record(db));
        } catch (IOException e) {
            return false; // the file cannot be read: the check says what is wrong with it
        }
    }

    /** Records the file as its store left it (after the store closed; not when a WAL is left beside it). */
    void closed(String name, Path db) {
        try {
            if (hasWal(db) || !Files.isRegularFile(db)) {
                forget(name);
                return;
            }
            if (!dirMade) {
                Files.createDirectories(dir);
                DataFolder.ownerOnly(dir, "rwx------");
                dirMade = true;
            }
            Path tmp = dir.resolve(name + ".tmp");
            Files.writeString(tmp, record(db), StandardCharsets.US_ASCII);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.warn("The record of tenant '{}' as closed could not be written ({}): it is checked when opened next",
                    name, e.toString());
            forget(name);
        }
    }

    /** Drops the record: the name's file is created anew, deleted or replaced. */
    void forget(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            LOG.warn("The record of tenant '{}' as last closed could not be deleted: {}", name, e.toString());
        }
    }

    private static boolean hasWal(Path db) throws IOException {
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        return Files.exists(wal) && Files.size(wal) > 0;
    }

    private static String record(Path db) throws IOException {
        CRC32C crc = new CRC32C();
        long size = 0;
        ByteBuffer buffer = BUFFER.get();
        try (FileChannel in = FileChannel.open(db, StandardOpenOption.READ)) {
            for (buffer.clear(); in.read(buffer) >= 0; buffer.clear()) {
                buffer.flip();
                size += buffer.remaining();
                crc.update(buffer);
            }
        }
        return VERSION + " size " + size + " crc32c " + Long.toHexString(crc.getValue()) + "\n";
    }
}
