package dev.litemem;

/**
 * A reader of the change log that pruning must respect (docs/ARCHITECTURE.md, "Retention").
 *
 * @param name        {@code index:COLLECTION} for a collection's index checkpoint, {@code ledger} for the ledger
 *                    shipper's hint, or the name a consumer registered with
 * @param position    the last sequence number it has durably taken
 * @param incarnation the file's incarnation that position belongs to, or null (index checkpoints: always this file's)
 * @param required    whether pruning waits for it (a position of another incarnation is never waited for)
 */
public record ChangeLogConsumer(String name, long position, String incarnation, boolean required) {
}
