package dev.litemem.backup;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where backups live: a flat namespace of keys ({@code TENANT/base/...}, {@code TENANT/log/...},
 * {@code TENANT/manifest.json}) to immutable objects, but the manifest, which is replaced whole. Every put is atomic:
 * a reader sees the whole object or none (a directory: temp file, fsync, rename; S3: one PUT). Open one with
 * {@link #open(String)}.
 */
public interface BlobStore extends AutoCloseable {
    /** Stores a file's bytes under {@code key}, replacing what was there, atomically. */
    void put(String key, Path file);

    /** Stores bytes under {@code key}, replacing what was there, atomically. */
    void put(String key, byte[] bytes);

    /** The object's bytes (for small objects: manifests, segments), or empty when there is none. */
    Optional<byte[]> get(String key);

    /** Copies the object to {@code target} (created or replaced); throws when there is none. */
    void download(String key, Path target);

    /** Every key that starts with {@code prefix}, in no particular order. */
    List<String> list(String prefix);

    /** Deletes the object if it is there. */
    void delete(String key);

    /** The destination as the user gave it, for messages and the change-log consumer's name. */
    String describe();

    @Override
    void close();

    /** A directory path, or {@code s3://bucket/prefix} with the AWS environment's settings. */
    static BlobStore open(String destination) {
        return open(destination, S3BlobStore.Settings.fromEnvironment());
    }

    /** A directory path, or {@code s3://bucket/prefix} with these settings (see {@link S3BlobStore.Settings}). */
    static BlobStore open(String destination, S3BlobStore.Settings s3) {
        if (destination.startsWith("s3://")) {
            return S3BlobStore.open(destination, s3);
        }
        return new DirectoryBlobStore(Path.of(destination));
    }
}
