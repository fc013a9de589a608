package dev.litemem.server.internal;

import dev.litemem.server.ServerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The admin key: from the environment, else the owner-only file admin.key at the top of the data folder (created if
 * missing), beside the tenants folder and never in it (see {@link DataFolder}).
 */
public final class AdminKey {
    public static final String ENV = "LITEMEM_ADMIN_KEY";
    public static final String FILE = "admin.key";

    private AdminKey() {
    }

    /** The key and, when it came from (or was written to) the data folder, that file. */
    public record Resolved(String key, Optional<Path> file, boolean generated) {
    }

    public static Resolved resolve(DataFolder folder, String configured) {
        if (configured != null) {
            return new Resolved(configured, Optional.empty(), false);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            if (env.trim().length() < 16) {
                throw new ServerException(400, "invalid-admin-key", ENV, ENV + " must have at least 16 characters");
            }
            return new Resolved(env.trim(), Optional.empty(), false);
        }
        Path file = folder.adminKeyFile();
        try {
            if (Files.exists(file)) {
                return new Resolved(Files.readString(file, StandardCharsets.US_ASCII).trim(), Optional.of(file), false);
            }
            String key = TenantKeys.newKey().replace("lmk_", "lma_");
            try {
                OwnerOnlyFiles.create(file);
            } catch (FileAlreadyExistsException e) {
                return new Resolved(Files.readString(file, StandardCharsets.US_ASCII).trim(), Optional.of(file), false);
            }
            Files.writeString(file, key + "\n", StandardCharsets.US_ASCII);
            return new Resolved(key, Optional.of(file), true);
        } catch (IOException e) {
            throw new ServerException("cannot read or write the admin key file " + file + ": " + e.getMessage(), e);
        }
    }
}
