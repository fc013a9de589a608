/**
 * {@link dev.litemem.client.MemoryClient}: an agent's memory with the same calls whether it lives in a local file
 * ({@code file:} URIs, {@link dev.litemem.client.EmbeddedMemoryClient}, through memory-core in this process) or on a
 * LiteMem server ({@code http(s):} URIs, {@link dev.litemem.client.HttpMemoryClient}, over {@code java.net.http}),
 * chosen by {@link dev.litemem.client.MemoryClients#open(String)}. Searches are described by
 * {@link dev.litemem.client.Query}; records, hits and pages are memory-core's own types, and errors its exceptions.
 *
 * <p>This package is the module litemem-client, which depends on litemem-core and Jackson only: an agent that talks
 * to a server carries neither Jetty nor Javalin (checked by the module's build). The JSON bodies both ends of the HTTP
 * API share are in {@link dev.litemem.client.wire}.
 */
package dev.litemem.client;
