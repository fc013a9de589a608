package dev.litemem.server.internal;

import dev.litemem.server.ServerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Tenant names and their keys. A tenant exists when its key file {@code NAME.key} exists in the data folder; the file
 * holds only the SHA-256 of the key (keys are 256 random bits, so a plain hash is enough). Its data is {@code NAME.db}.
 */
public final class TenantKeys {
    /** Lowercase letters, digits, '_' and '-', 1 to 64 characters, starting with a letter or digit: no dots, no separators. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    static final String KEY_SUFFIX = ".key";
    static final String DB_SUFFIX = ".db";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path dir;
    private final ConcurrentHashMap<String, byte[]> hashes = new ConcurrentHashMap<>();

    TenantKeys(Path dir) {
        this.dir = dir;
    }

    /** Throws a 400 unless the name is valid; called before the name comes near the file system. */
    static String checkName(String name) {
        return checkName(name, "tenant");
    }

    static String checkName(String name, String field) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw Errors.invalid(field, "a tenant name must be 1 to 64 lowercase letters, digits, '_' or '-',"
                    + " starting with a letter or digit");
        }
        return name;
    }

    Path dbFile(String name) {
        return dir.resolve(checkName(name) + DB_SUFFIX);
    }

    boolean exists(String name) {
        return hash(name).isPresent();
    }

    /** Whether {@code key} opens tenant {@code name}; false for a tenant that does not exist. Constant-time compare. */
    boolean opens(String name, String key) {
        Optional<byte[]> stored = hash(name);
        byte[] given = sha256(key);
        return stored.isPresent() && MessageDigest.isEqual(stored.get(), given);
    }

    /** Creates the tenant and returns its new key, or throws 409 if it exists. Call under the tenant cache's lock. */
    synchronized String create(String name) {
        checkName(name);
        if (exists(name)) {
            throw Errors.conflict("name", "a tenant with this name already exists");
        }
        String key = newKey();
        byte[] hash = sha256(key);
        Path file = dir.resolve(name + KEY_SUFFIX);
        Path tmp = dir.resolve(name + KEY_SUFFIX + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            OwnerOnlyFiles.create(tmp);
            Files.write(tmp, HexFormat.of().formatHex(hash).getBytes(StandardCharsets.US_ASCII));
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
        } catch (IOException e) {
            throw new ServerException("cannot write the key file of a new tenant: " + e.getMessage(), e);
        }
        hashes.put(name, hash);
        return key;
    }

    /**
     * Removes the key file: from then on the tenant does not exist. The file goes before the cached hash, under the
     * same lock as loading a hash from its file, so a concurrent lookup cannot cache the key again (it did: a lookup
     * between the two steps read the not-yet-deleted file and brought the tenant back).
     */
    synchronized void remove(String name) {
        try {
            Files.deleteIfExists(dir.resolve(checkName(name) + KEY_SUFFIX));
        } catch (IOException e) {
            throw new ServerException("cannot delete a tenant's key file: " + e.getMessage(), e);
        }
        hashes.remove(name);
    }

    /** Tenant names in order, after {@code cursor} (exclusive), at most {@code limit}. */
    List<String> list(String cursor, int limit) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + KEY_SUFFIX)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                n = n.substring(0, n.length() - KEY_SUFFIX.length());
                if (NAME.matcher(n).matches() && (cursor == null || n.compareTo(cursor) > 0)) {
                    names.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the data folder", e);
        }
        names.sort(null);
        return names.size() > limit ? new ArrayList<>(names.subList(0, limit + 1)) : names;
    }

    private Optional<byte[]> hash(String name) {
        byte[] cached = hashes.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        return load(name);
    }

    private synchronized Optional<byte[]> load(String name) {
        byte[] cached = hashes.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        Path file = dir.resolve(checkName(name) + KEY_SUFFIX);
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            byte[] hash = HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).trim());
            hashes.put(name, hash);
            return Optional.of(hash);
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            throw new ServerException("cannot read a tenant's key file: " + e.getMessage(), e);
        }
    }

    static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "lmk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] sha256(String s) {
        return dev.litemem.internal.Sha256.of(s);
    }
}
