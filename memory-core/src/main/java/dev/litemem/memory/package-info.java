/**
 * Agent memory: what an agent remembers about a user, an agent and a session, kept in the store's own file. Get it
 * with {@link dev.litemem.LiteMem#memory()}; see {@link dev.litemem.memory.Memory} and docs/MEMORY.md.
 */
package dev.litemem.memory;
