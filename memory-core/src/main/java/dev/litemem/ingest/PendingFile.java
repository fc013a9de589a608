package dev.litemem.ingest;

/** One file's chunks with their vectors, filled in as batches come back from the embedder. */
final class PendingFile {
    final Parsed.Ready ready;
    final float[][] vectors;
    int missing;

    PendingFile(Parsed.Ready ready) {
        this.ready = ready;
        this.vectors = new float[ready.chunks().size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = ready.reused().get(ready.chunks().get(i).embedText());
        }
        int reused = 0;
        for (float[] v : vectors) {
            reused += v == null ? 0 : 1;
        }
        this.missing = vectors.length - reused;
    }
}
