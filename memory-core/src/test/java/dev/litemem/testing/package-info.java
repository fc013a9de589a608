/**
 * Test support for every module's tests, shipped as memory-core's test-jar (dependency type {@code test-jar}):
 * {@link dev.litemem.testing.WordHashEmbedder}, the deterministic embedder of LiteMem's tests;
 * {@link dev.litemem.testing.TempStores}, a JUnit 5 extension whose temporary stores are integrity- and leak-checked
 * when each test ends; {@link dev.litemem.testing.ArchitectureRules}, the ArchUnit rules that keep memory-core's
 * internals internal. See docs/TESTING.md.
 */
package dev.litemem.testing;
