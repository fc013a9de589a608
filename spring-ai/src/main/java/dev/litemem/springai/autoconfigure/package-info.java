/**
 * The Spring Boot starter ({@link dev.litemem.springai.autoconfigure.LiteMemAutoConfiguration}, properties
 * {@code litemem.path}, {@code litemem.collection}, {@code litemem.model}): the LiteMem store, its vector store and
 * chat memory repository, and the bundled model as the {@code EmbeddingModel} when the application defines none.
 */
package dev.litemem.springai.autoconfigure;
