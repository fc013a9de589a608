package dev.litemem.memory;

/**
 * What {@link Memory#remember} did.
 *
 * @param id           the memory the text now lives in: the new one (ADDED), the one changed (UPDATED), the one that
 *                     already said it (UNCHANGED), or the one removed (DELETED)
 * @param text         that memory's text now (for DELETED: the text removed)
 * @param previousText for UPDATED, the text it had before; otherwise null
 * @param similarity   for a near-duplicate or a policy's decision, the cosine between the new text and that memory;
 *                     1 for an exact repeat; null when nothing similar was involved
 */
public record RememberResult(String id, Outcome outcome, String text, String previousText, Double similarity) {
    public enum Outcome {
        /** A new memory was stored. */
        ADDED,
        /** An existing memory was changed to the new text (by the consolidation policy). */
        UPDATED,
        /** The scope already holds this memory (the same normalized text, or a near-duplicate): nothing was written. */
        UNCHANGED,
        /** The consolidation policy deleted an existing memory the new text contradicts; nothing was added. */
        DELETED
    }
}
