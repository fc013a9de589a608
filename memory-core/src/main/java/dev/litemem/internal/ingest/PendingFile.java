package dev.litemem.internal.ingest;

import dev.litemem.internal.store.EmbeddingCache;
import java.util.HashMap;
import java.util.Map;

/** One file's chunks with their vectors, filled in as batches come back from the embedder. */
public final class PendingFile {
    public final Parsed.Ready ready;
    public final float[][] vectors;
    public int missing;
    /** The embedding cache rows of the vectors computed for this file, stored in its transaction. */
    public final Map<EmbeddingCache.Hash, float[]> computed = new HashMap<>();

    public PendingFile(Parsed.Ready ready) {
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
