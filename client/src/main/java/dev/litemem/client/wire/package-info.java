/**
 * The JSON bodies of the LiteMem server's HTTP API (v1, described by its {@code /openapi.json}), as Java records: what
 * the server writes and reads, and what {@link dev.litemem.client.HttpMemoryClient} sends and reads, so the two ends
 * share one definition. Request bodies end in {@code Body}; the shapes several answers share (a record, a hit, a
 * collection, a problem) end in {@code Json}. Readers ignore fields they do not know, so a newer server can add some.
 *
 * <p>Applications use {@link dev.litemem.client.MemoryClient}; these types are for LiteMem's own server, clients and
 * replicas. Fields keep their names and meaning within v1; new fields may be added.
 */
package dev.litemem.client.wire;
