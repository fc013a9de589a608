/**
 * {@link dev.litemem.client.MemoryClient}: an agent's memory with the same calls whether it lives in a local file
 * ({@code file:} URIs, embedded) or on a LiteMem server ({@code http(s):} URIs), chosen by
 * {@link dev.litemem.client.MemoryClients#open(String)}.
 */
package dev.litemem.client;
