package dev.litemem.backup;

import dev.litemem.internal.DurableFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A {@link BlobStore} in a local (or mounted) directory: each key is a file under it. A put writes a temp file beside
 * the target ({@code .tmp-*}, never listed), fsyncs it, renames it into place atomically and fsyncs the folder, so a
 * crash leaves the old object or the new one, and at most a temp file that {@link #deleteTempFiles} removes later.
 */
public final class DirectoryBlobStore implements BlobStore {
    static final String TEMP_PREFIX = ".tmp-";
    private final Path root;

    public DirectoryBlobStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    @Override
    public void put(String key, Path file) {
        write(key, temp -> Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING));
    }

    @Override
    public void put(String key, byte[] bytes) {
        write(key, temp -> {
            try (OutputStream out = Files.newOutputStream(temp)) {
                out.write(bytes);
            }
        });
    }

    private interface Writer {
        void write(Path temp) throws IOException;
    }

    private void write(String key, Writer writer) {
        Path target = resolve(key);
        Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
        try {
            Files.createDirectories(target.getParent());
            // A temp file left by a crash is removed by deleteTempFiles.
            DurableFiles.replace(target, temp, writer::write, true);
        } catch (AtomicMoveNotSupportedException e) {
            throw new BackupException("the backup folder " + root + " does not support atomic renames: use a local"
                    + " file system", e);
        } catch (IOException e) {
            throw new BackupException("cannot write " + key + " in " + root + " (" + e + "): check that the folder is"
                    + " writable and has room", e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(Files.readAllBytes(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BackupException("cannot read " + key + " in " + root + " (" + e + ")", e);
        }
    }

    @Override
    public void download(String key, Path target) {
        try {
            Files.copy(resolve(key), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException e) {
            throw new BackupException(key + " is missing from " + root + ": the backup is incomplete", e);
        } catch (IOException e) {
            throw new BackupException("cannot read " + key + " in " + root + " (" + e + ")", e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        Path start = resolve(prefix.isEmpty() ? "." : prefix).normalize();
        Path folder = Files.isDirectory(start) ? start : start.getParent();
        List<String> keys = new ArrayList<>();
        if (folder == null || !Files.isDirectory(folder)) {
            return keys;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.filter(Files::isRegularFile).forEach(p -> {
                String key = root.relativize(p).toString().replace('\\', '/');
                if (key.startsWith(prefix) && !p.getFileName().toString().startsWith(TEMP_PREFIX)) {
                    keys.add(key);
                }
            });
        } catch (IOException e) {
            throw new BackupException("cannot list " + folder + " (" + e + ")", e);
        }
        return keys;
    }

    /** Deletes the temp files a killed put left under {@code prefix}; returns how many. */
    public int deleteTempFiles(String prefix) {
        Path folder = resolve(prefix);
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        int n = 0;
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().startsWith(TEMP_PREFIX) && Files.deleteIfExists(p)) {
                    n++;
                }
            }
        } catch (IOException e) {
            throw new BackupException("cannot clean " + folder + " (" + e + ")", e);
        }
        return n;
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(resolve(key));
        } catch (IOException e) {
            throw new BackupException("cannot delete " + key + " in " + root + " (" + e + ")", e);
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public void close() {
    }

    private Path resolve(String key) {
        if (key.contains("..") || key.startsWith("/")) {
            throw new BackupException("a backup key must be a relative path without '..': " + key);
        }
        return root.resolve(key);
    }
}
