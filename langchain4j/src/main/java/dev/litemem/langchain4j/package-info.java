/**
 * LiteMem for LangChain4j: {@link dev.litemem.langchain4j.LiteMemEmbeddingStore} (an {@code EmbeddingStore} over one
 * collection; LangChain4j filters run as LiteMem's SQL filters; hybrid search when the request carries query text),
 * {@link dev.litemem.langchain4j.LiteMemContentRetriever} (LiteMem's search modes as a {@code ContentRetriever}) and
 * {@link dev.litemem.langchain4j.LiteMemChatMemoryStore} (chat memory in the same file). Uses the core's public API
 * only. Examples: the module's README.
 */
package dev.litemem.langchain4j;
