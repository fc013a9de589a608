package dev.litemem.server.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files that hold keys or a tenant's data: created readable and writable by the server's user only. */
final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    /**
     * Creates an empty file with mode rw------- (plainly on a file system without POSIX permissions); throws
     * {@link java.nio.file.FileAlreadyExistsException} when it exists.
     */
    static void create(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException noPosixPermissions) {
            Files.createFile(file);
        }
    }
}
