/**
 * Files and documents into a collection: {@link dev.litemem.ingest.Ingester} walks files and folders, extracts
 * their text (Markdown, plain text, HTML, PDF: jsoup and PDFBox are optional dependencies of memory-core), chunks
 * it along its structure to the embedder's tokens, embeds the chunks and stores each file's chunks with its row in
 * the documents table in one transaction; {@code ingestDocument} does the same for one document that is not a file
 * (an upload), through the store's embedding cache. Incremental: unchanged files are skipped, an edit re-embeds only the
 * chunks it changed. The implementation is in {@code dev.litemem.internal.ingest}.
 */
package dev.litemem.ingest;
