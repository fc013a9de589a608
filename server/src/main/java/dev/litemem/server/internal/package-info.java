/**
 * The server's implementation: the HTTP routes and their request and response bodies, tenant keys and the admin key,
 * the cache of open tenants (bounded by count and memory), the data folder's lock, problem+json errors and metrics.
 * Not API; see docs/SERVER.md and docs/CONCURRENCY.md for its threads and locks.
 */
package dev.litemem.server.internal;
