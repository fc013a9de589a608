package dev.litemem.server.internal;

import dev.litemem.server.ServerException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One server per data folder: an OS lock on the file {@code .server.lock} (never on a tenant's SQLite file), held
 * while the server runs and released by the OS when its process dies.
 */
public final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(".server.lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            try {
                OwnerOnlyFiles.create(file);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                DataFolder.ownerOnly(file, "rw-------"); // made by an older server with the default mode
            }
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new OverlappingFileLockException();
            }
            return new DataDirLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new ServerException(409, "data-folder-in-use", "data", "another LiteMem server is already serving "
                    + dataDir.toAbsolutePath() + ": stop it first, or give another --data folder");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ServerException("cannot lock the data folder " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new ServerException("cannot release the data folder lock: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // Already failing with a clearer error.
            }
        }
    }
}
