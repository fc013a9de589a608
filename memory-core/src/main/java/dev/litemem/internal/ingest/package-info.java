/**
 * The ingest pipeline behind {@link dev.litemem.ingest.Ingester}: walking folders with include/exclude globs and
 * ignore files, extracting text (Markdown, HTML, PDF, plain text), chunking it to a token target along headings,
 * paragraphs and sentences, and storing each document's chunks with its documents row in one transaction
 * ({@link dev.litemem.internal.ingest.DocumentStore}, for files and single documents alike). Internal: see
 * {@link dev.litemem.internal}.
 */
package dev.litemem.internal.ingest;
