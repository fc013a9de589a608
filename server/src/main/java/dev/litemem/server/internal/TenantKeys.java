package dev.litemem.server.internal;

import dev.litemem.server.ServerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenant names and their keys. A tenant exists when its key file {@code tenants/NAME.key} exists; the file holds only
 * the SHA-256 of the key (keys are 256 random bits, so a plain hash is enough). Its data is {@code tenants/NAME.db}.
 *
 * <p>Writing or moving a key file and caching its hash happen together in one {@link ConcurrentHashMap#compute} for
 * that name, and reading a key file into the cache in one {@code computeIfAbsent}: a lookup can never cache the hash of
 * a key that a deletion is moving away. Those per-name sections do file work only and take no other lock.
 */
public final class TenantKeys {
    private static final Logger LOG = LoggerFactory.getLogger(TenantKeys.class);
    /** Lowercase letters, digits, '_' and '-', 1 to 64 characters, starting with a letter or digit: no dots, no separators. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    /** Names of the server's own files and folders: refused for new tenants, so no name ever looks like one. */
    static final Set<String> RESERVED = Set.of("admin", "tenants", "exports", "trash", "quarantine", "server", "lock");
    static final String KEY_SUFFIX = ".key";
    static final String DB_SUFFIX = ".db";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path dir;
    private final ConcurrentHashMap<String, byte[]> hashes = new ConcurrentHashMap<>();

    /** @param dir the folder of the tenants' files ({@code DATA/tenants}) */
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

    /** As {@link #checkName}, and not one of the {@link #RESERVED} names: for new tenants. */
    static String checkNewName(String name, String field) {
        checkName(name, field);
        if (RESERVED.contains(name)) {
            throw Errors.invalid(field, "'" + name + "' is reserved for the server's own files: choose another tenant name");
        }
        return name;
    }

    /** The tenants folder ({@code DATA/tenants}). */
    Path dir() {
        return dir;
    }

    Path dbFile(String name) {
        return dir.resolve(checkName(name) + DB_SUFFIX);
    }

    Path keyFile(String name) {
        return dir.resolve(checkName(name) + KEY_SUFFIX);
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

    /**
     * Writes the new tenant's key file, the step that makes the tenant exist (its database must be in place first), and
     * returns the key; 409 if a key exists. The caller holds the name's reservation in the tenant cache.
     */
    String commitNewKey(String name) {
        String key = newKey();
        commitKeyHash(name, sha256(key));
        return key;
    }

    /**
     * Writes a key file holding {@code hash} (a tenant moved from another node keeps its key); 409 if a key exists.
     * The caller holds the name's reservation in the tenant cache.
     */
    void commitKeyHash(String name, byte[] hash) {
        checkName(name);
        Path file = keyFile(name);
        Path tmp = dir.resolve(name + KEY_SUFFIX + ".tmp");
        hashes.compute(name, (n, cached) -> {
            if (cached != null || Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw Errors.conflict("name", "a tenant with this name already exists");
            }
            try {
                Files.deleteIfExists(tmp);
                OwnerOnlyFiles.create(tmp);
                Files.write(tmp, HexFormat.of().formatHex(hash).getBytes(StandardCharsets.US_ASCII));
                dev.litemem.internal.DurableFiles.fsync(tmp);
                DataFolder.move(tmp, file);
                DataFolder.syncDirectory(dir);
            } catch (IOException e) {
                throw new ServerException("cannot write the key file of new tenant '" + n + "': " + e, e);
            }
            return hash;
        });
    }

    /** The stored SHA-256 of the tenant's key, in hex; 404 when the tenant does not exist. */
    String keyHashHex(String name) {
        return HexFormat.of().formatHex(hash(name).orElseThrow(Errors::tenantNotFound));
    }

    /**
     * Moves the key file into {@code trashDir}: from then on the tenant does not exist (the first step of a deletion).
     * The file and the cached hash go in one step, so a concurrent lookup cannot cache the key again.
     */
    void moveKeyTo(String name, Path trashDir) {
        Path file = keyFile(name);
        hashes.compute(name, (n, cached) -> {
            try {
                DataFolder.move(file, trashDir.resolve(file.getFileName()));
                DataFolder.syncDirectory(dir);
            } catch (NoSuchFileException e) {
                // Already gone: the tenant does not exist either way.
            } catch (IOException e) {
                throw new ServerException("cannot move the key file of tenant '" + n + "' into the trash: " + e, e);
            }
            return null;
        });
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
            throw new UncheckedIOException("cannot list the tenants folder", e);
        }
        names.sort(null);
        return names.size() > limit ? new ArrayList<>(names.subList(0, limit + 1)) : names;
    }

    /**
     * Drops the cached hash of {@code name}: its next lookup reads the key file again, as a restarted server's first
     * lookup does. For the warm-up, whose scratch tenants would otherwise read their key files once.
     */
    void forgetCached(String name) {
        hashes.remove(name);
    }

    private Optional<byte[]> hash(String name) {
        checkName(name);
        byte[] cached = hashes.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        return Optional.ofNullable(hashes.computeIfAbsent(name, this::read));
    }

    /** The hash in a key file, or null when there is none (nothing is cached then). */
    private byte[] read(String name) {
        Path file = dir.resolve(name + KEY_SUFFIX);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            return HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | IllegalArgumentException e) {
            // Neither the parser's message (it tells the content's length) nor the path goes to the client.
            LOG.error("The key file of tenant '{}' cannot be read: {}", name,
                    e instanceof IOException ? e.toString() : "it does not hold a hexadecimal hash");
            throw new ServerException(500, "tenant-key-damaged", null,
                    "the tenant's key file is damaged; the server log has details");
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
