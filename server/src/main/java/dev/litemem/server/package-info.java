/**
 * The LiteMem memory server: {@link dev.litemem.server.MemoryServer} serves each tenant's memory (its own SQLite
 * file under the data folder) over HTTP, configured by {@link dev.litemem.server.ServerConfig}; {@code serve} is its
 * command. Routes, authentication, the tenant cache and metrics are in {@code dev.litemem.server.internal}. See
 * docs/SERVER.md.
 */
package dev.litemem.server;
