package dev.litemem.backup;

/**
 * One change-log entry as a segment keeps it: the {@code changes} row with its hashes and after-image.
 *
 * @param image  the after-image (UTF-8 JSON) or null (a delete, or an entity logged without one)
 * @param vector a record's vector (float32 little-endian) or null
 */
public record SegmentEntry(long seq, long at, String entity, Long collectionId, String key, Long rowId, String op,
                           String actor, String onBehalfOf, String model, String authority, String requestId,
                           byte[] before, byte[] after, String image, byte[] vector) {
    /** The entity whose rows a restore replays and the state hash covers: a record of a user's collection. */
    public static final String RECORD = "record";

    boolean isRecord() {
        return RECORD.equals(entity);
    }
}
