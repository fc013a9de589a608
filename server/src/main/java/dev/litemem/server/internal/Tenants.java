package dev.litemem.server.internal;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.server.ServerException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating and deleting tenants, crash-safe at every step (docs/SERVER.md, "Creating and deleting a tenant"). Each
 * holds the name's reservation in the {@link TenantCache}, so a name is never created and deleted at once, and no
 * request is let in halfway.
 *
 * <p>Creation: leftover database files of the name (no key owns them) go to the quarantine; the database is created
 * fresh (create-new: it never adopts a file it did not create) with its schema; then the key file is written, the step
 * that makes the tenant exist. Deletion: the key file moves into a trash folder first (the tenant stops existing), the
 * requests using the tenant finish, its store closes, its data files follow the key into the trash, and the trash
 * folder is removed. A crash before the key moves leaves the tenant whole; after it, the next start finishes the
 * deletion from the trash folder.
 */
final class Tenants {
    private static final Logger LOG = LoggerFactory.getLogger(Tenants.class);
    private final DataFolder folder;
    private final TenantKeys keys;
    private final TenantCache cache;
    private final LiteMemOptions createOptions;

    /** @param createOptions how a new tenant's store is created (its schema written) */
    Tenants(DataFolder folder, TenantKeys keys, TenantCache cache, LiteMemOptions createOptions) {
        this.folder = folder;
        this.keys = keys;
        this.cache = cache;
        this.createOptions = createOptions;
    }

    /** Creates the tenant and returns its key; 409 if it exists or is being created or deleted right now. */
    String create(String name) {
        TenantKeys.checkNewName(name, "name");
        if (!cache.reserve(name)) {
            throw Errors.conflict("name", "a tenant of this name is being created or deleted right now: retry");
        }
        try {
            if (keys.exists(name)) {
                throw Errors.conflict("name", "a tenant with this name already exists");
            }
            Path db = keys.dbFile(name);
            cache.makeRoomForAStore();
            try {
                folder.quarantineLeftovers(name);
                OwnerOnlyFiles.create(db);
            } catch (FileAlreadyExistsException e) {
                throw new ServerException(409, "conflict", "name", "the new tenant's file appeared while it was being"
                        + " created: retry");
            } catch (IOException e) {
                throw new ServerException("cannot create the file of new tenant '" + name + "': " + e, e);
            }
            try {
                CrashPoints.reached("create-after-db-file");
                LiteMem.open(db, createOptions).close();
                CrashPoints.reached("create-before-key");
                return keys.commitNewKey(name);
            } catch (RuntimeException e) {
                discard(name);
                throw e;
            }
        } finally {
            cache.unreserve(name);
        }
    }

    /**
     * Makes {@code snapshot} (a LiteMem store in the export folder, checked already) tenant {@code name} with the key
     * whose SHA-256 is {@code keyHash}: the file is renamed into place, then the key file written, the step that makes
     * the tenant exist (the creation protocol, with a snapshot instead of an empty store). 409 if the tenant exists.
     */
    void adopt(String name, Path snapshot, byte[] keyHash) {
        TenantKeys.checkNewName(name, "tenant");
        if (!cache.reserve(name)) {
            throw Errors.conflict("tenant", "a tenant of this name is being created or deleted right now: retry");
        }
        try {
            if (keys.exists(name)) {
                throw Errors.conflict("tenant", "a tenant with this name already exists on this node");
            }
            Path db = keys.dbFile(name);
            try {
                folder.quarantineLeftovers(name);
                DataFolder.move(snapshot, db);
                DataFolder.syncDirectory(db.getParent());
            } catch (IOException e) {
                throw new ServerException("cannot move the snapshot of tenant '" + name + "' into place: " + e, e);
            }
            try {
                CrashPoints.reached("import-before-key");
                keys.commitKeyHash(name, keyHash);
            } catch (RuntimeException e) {
                discard(name);
                throw e;
            }
        } finally {
            cache.unreserve(name);
        }
    }

    /** Deletes the tenant: it stops existing at once; the call returns once its files are gone. 404 if it does not exist. */
    void delete(String name) throws InterruptedException {
        TenantKeys.checkName(name);
        if (!cache.reserve(name)) {
            throw Errors.tenantNotFound(); // being deleted (or not created yet)
        }
        try {
            if (!keys.exists(name)) {
                throw Errors.tenantNotFound();
            }
            Path trash;
            try {
                trash = folder.newTrashDir(name);
            } catch (IOException e) {
                throw new ServerException("cannot make a trash folder for tenant '" + name + "': " + e, e);
            }
            keys.moveKeyTo(name, trash);
            CrashPoints.reached("delete-after-key");
            TenantCache.Entry entry = cache.detach(name);
            if (entry != null) {
                entry.close();
            }
            try {
                folder.moveDataFiles(name, trash);
                CrashPoints.reached("delete-before-purge");
                folder.purge(trash);
            } catch (IOException e) {
                // The tenant is gone already (its key is in the trash); the next start finishes moving and purging.
                throw new ServerException("tenant '" + name + "' was deleted, but removing its files failed (the next"
                        + " start finishes it): " + e, e);
            }
        } finally {
            cache.unreserve(name);
        }
    }

    /** After a failed creation: the half-made database goes to the trash and is removed. */
    private void discard(String name) {
        try {
            Path trash = folder.newTrashDir(name);
            folder.moveDataFiles(name, trash);
            folder.purge(trash);
        } catch (IOException e) {
            LOG.error("Removing the files of tenant '{}', whose creation failed, failed too (the next start quarantines"
                    + " them): {}", name, e.toString());
        }
    }
}
