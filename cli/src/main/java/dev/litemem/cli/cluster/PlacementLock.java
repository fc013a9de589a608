package dev.litemem.cli.cluster;

import dev.litemem.LiteMemException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS lock on {@code PLACEMENT.lock} beside the placement file, held while a move reads, changes and writes the
 * placement (and writes the nginx configuration from it), so moves of different tenants can run at once without
 * losing each other's entries. Released when closed, or when the process dies.
 */
final class PlacementLock implements AutoCloseable {
    /** OS file locks are per process (a second one in the same JVM fails rather than waits): threads queue here first. */
    private static final java.util.concurrent.locks.ReentrantLock IN_PROCESS = new java.util.concurrent.locks.ReentrantLock();
    private final FileChannel channel;
    private final FileLock lock;

    private PlacementLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static PlacementLock take(Path placement) {
        Path file = placement.toAbsolutePath().resolveSibling(placement.getFileName() + ".lock");
        IN_PROCESS.lock();
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new PlacementLock(ch, ch.lock());
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            IN_PROCESS.unlock();
            if (e instanceof IOException io) {
                throw new LiteMemException("cannot lock " + file + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new LiteMemException("cannot release the placement lock: " + e.getMessage(), e);
        } finally {
            IN_PROCESS.unlock();
        }
    }
}
