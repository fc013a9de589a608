/**
 * The implementation of {@code dev.litemem.work}: state, journal and idempotency keys on their own tables, logged in
 * the change log. Internal: see {@link dev.litemem.internal}.
 */
package dev.litemem.internal.work;
