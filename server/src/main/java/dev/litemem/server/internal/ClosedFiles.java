package dev.litemem.server.internal;

import dev.litemem.internal.SqliteFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each tenant file held when its store last closed: its size and the CRC-32C of its bytes, kept in memory and
 * written to {@code DATA/.checked} when the server stops (read back when it starts). A tenant file that passed the
 * quick check when it was opened, and was then written only by its store, is sound when the store closes; if, when it
 * is opened next, it has no write-ahead log beside it and the same size and CRC, it is byte for byte that file, and the
 * quick check (which reads every page, and opens a connection of its own) is not run again: reading the file once for
 * its CRC costs a tenth of it. Any other change (a restore, a repair, a copy over it, damage on the disk) gives
 * another CRC, and the check runs as before. A missing, stale or unreadable record only means the check runs; after a
 * crash the file on disk is the last clean stop's, and a file the crashed server changed no longer matches it.
 */
final class ClosedFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ClosedFiles.class);
    private static final String VERSION = "litemem-closed-files v1";
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(256 << 10));
    private final Path file;
    private final Map<String, Fingerprint> closed = new ConcurrentHashMap<>();

    /** A file's size and CRC-32C, and its attributes when they were taken (to tell whether it changed since). */
    record Fingerprint(long size, long crc, Object fileKey, long modifiedNanos) {
        boolean sameBytes(Fingerprint o) {
            return o != null && size == o.size && crc == o.crc;
        }

        /** Whether the file's attributes are still the ones this fingerprint was taken with (same inode, size, time). */
        boolean sameAttributes(Path db) throws IOException {
            BasicFileAttributes a = Files.readAttributes(db, BasicFileAttributes.class);
            return fileKey != null && fileKey.equals(a.fileKey()) && size == a.size()
                    && modifiedNanos == a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** @param file where the records are kept between runs ({@code DATA/.checked}); read now if it is there */
    ClosedFiles(Path file) {
        this.file = file;
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            if (!lines.isEmpty() && lines.get(0).equals(VERSION)) {
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split(" ");
                    if (f.length == 3 && TenantKeys.NAME.matcher(f[0]).matches()) {
                        closed.put(f[0], new Fingerprint(Long.parseLong(f[1]), Long.parseLong(f[2], 16), null, -1));
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // First start, or a server that crashed before it ever stopped: every file is checked when opened.
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} cannot be read ({}): every tenant file is checked when opened", file, e.toString());
            closed.clear();
        }
    }

    /**
     * The file's fingerprint if it is exactly the file recorded when its store closed last, with no WAL beside it (the
     * quick check is not needed), else null.
     */
    Fingerprint unchangedSinceClosed(String name, Path db) {
        Fingerprint recorded = closed.get(name);
        if (recorded == null) {
            return null;
        }
        try {
            if (hasWal(db)) {
                return null;
            }
            Fingerprint now = fingerprint(db);
            return recorded.sameBytes(now) ? now : null;
        } catch (IOException e) {
            return null; // the file cannot be read: the check says what is wrong with it
        }
    }

    /**
     * Records the file as its store left it (after the store closed). {@code atOpen}: its fingerprint when the store
     * opened, if taken; when the file has not changed since (a store only read), it is not read again.
     */
    void closed(String name, Path db, Fingerprint atOpen) {
        try {
            if (hasWal(db) || !Files.isRegularFile(db)) {
                closed.remove(name);
                return;
            }
            closed.put(name, atOpen != null && atOpen.sameAttributes(db) ? atOpen : fingerprint(db));
        } catch (IOException | RuntimeException e) {
            closed.remove(name); // checked when opened next
        }
    }

    /** Drops the record: the name's file is created anew, deleted or replaced. */
    void forget(String name) {
        closed.remove(name);
    }

    /** Writes the records to {@code DATA/.checked}, for the next start (when the server stops, every tenant closed). */
    void save() {
        StringBuilder b = new StringBuilder(VERSION).append('\n');
        new java.util.TreeMap<>(closed).forEach((name, f) -> b.append(name).append(' ').append(f.size()).append(' ')
                .append(Long.toHexString(f.crc())).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            dev.litemem.internal.DurableFiles.replace(file, tmp, t -> {
                Files.writeString(t, b, StandardCharsets.US_ASCII);
                DataFolder.ownerOnly(t, "rw-------");
            }, true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} could not be written ({}): every tenant file is checked when opened next", file, e.toString());
        }
    }

    private static boolean hasWal(Path db) throws IOException {
        return SqliteFiles.walHoldsPages(db);
    }

    private static Fingerprint fingerprint(Path db) throws IOException {
        BasicFileAttributes a = Files.readAttributes(db, BasicFileAttributes.class);
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
        // Attributes read before the bytes: a change while reading shows as other attributes at close.
        return new Fingerprint(size, crc.getValue(), a.fileKey(),
                a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
    }
}
