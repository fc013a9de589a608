package dev.litemem.changes;

import dev.litemem.internal.changes.EntityRows;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Replays change-log entries of agent memory and work state from their after-images (kept for every entry when
 * {@code change_images = all}), for a point-in-time restore that works on the file's rows directly (its vector index
 * is rebuilt from them afterwards). The same applier as the replicas' feed. What an image cannot reproduce is left as
 * it is, see docs/OPERATIONS.md: {@code memory_versions} (not imaged), {@code memories.superseded_actor} (taken as the
 * entry's actor).
 */
public final class EntityImages {
    private EntityImages() {
    }

    /** Whether entries of this entity are replayed: {@code memory}, {@code state}, {@code journal}, {@code idempotency}. */
    public static boolean replays(String entity) {
        return EntityRows.CARRIED.contains(entity);
    }

    /**
     * Applies one entry in the caller's transaction: the entity's rows become what the image says, or go when the image
     * is null (a delete or an expiry).
     *
     * @param memoriesCollectionId the file's id of collection {@code _memories} (for a memory; else ignored)
     * @param key                  the entry's {@code record_id}
     * @param rowId                the entry's {@code row_id}
     * @param actor                the entry's {@code actor}
     */
    public static void apply(Connection c, long memoriesCollectionId, String entity, String key, Long rowId,
                             String image, byte[] vector, String actor) throws SQLException {
        EntityRows.applyImage(c, memoriesCollectionId, entity, key, rowId, image, vector, actor);
    }
}
