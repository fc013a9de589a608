package dev.litemem.ingest;

/**
 * What {@link Ingester#ingestDocument} did with one document.
 *
 * @param document  its row in the documents table (path = the source given; its chunks are the records of that source)
 * @param seq       the change-log sequence of its last chunk written
 * @param embedded  how many distinct chunk texts the model embedded now (0 when the embedding cache had them all)
 * @param truncated how many of those the model cut at its token limit
 */
public record IngestedDocument(Document document, long seq, int embedded, int truncated) {
}
