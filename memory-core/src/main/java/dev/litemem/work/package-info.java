/**
 * Work state: what an agent is in the middle of (versioned key-value state per scope, a journal per run, idempotent
 * steps), in the store's own file and change log. Get it with {@link dev.litemem.LiteMem#work()}; see docs/MEMORY.md.
 */
package dev.litemem.work;
