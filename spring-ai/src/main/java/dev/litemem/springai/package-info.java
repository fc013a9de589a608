/**
 * LiteMem for Spring AI: {@link dev.litemem.springai.LiteMemVectorStore} (a {@code VectorStore} over one collection;
 * Spring AI filter expressions run as LiteMem's SQL filters), {@link dev.litemem.springai.LiteMemChatMemoryRepository}
 * (chat memory in the same file) and {@link dev.litemem.springai.LiteMemEmbeddingModel} (any LiteMem embedder, the
 * bundled model by default, as an {@code EmbeddingModel}). Uses the core's public API only. Examples: the module's
 * README.
 */
package dev.litemem.springai;
