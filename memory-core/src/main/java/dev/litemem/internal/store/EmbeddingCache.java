package dev.litemem.internal.store;

import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import dev.litemem.LiteMemException;
import dev.litemem.internal.Sha256;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Embeds texts through the file's embedding cache: (model id, SHA-256 of the text) -> vector. Text a model embedded
 * before costs no inference. Inference runs outside any transaction; the caller stores the new vectors
 * ({@link #store}) in the write transaction that uses them.
 */
public final class EmbeddingCache {
    private EmbeddingCache() {
    }

    /**
     * The vectors for the texts, in order, the texts' hashes, in order, and the cache rows to insert for the vectors
     * computed now; {@code truncated} counts the texts computed now that the model cut at its token limit.
     */
    public record Result(List<float[]> vectors, List<Hash> hashes, Map<Hash, float[]> computed, int truncated) {
    }

    /** The SHA-256 of a text, the cache's key beside the model id. */
    public record Hash(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Hash h && java.util.Arrays.equals(bytes, h.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    public static Hash hash(String text) {
        return new Hash(Sha256.of(text));
    }

    /** Reads the cached vectors of some hashes, on whatever read connection the caller has. */
    public interface Lookup {
        Map<Hash, float[]> cached(List<Hash> hashes);
    }

    /** The cached vectors among {@code hashes} for the embedder's model. */
    public static Map<Hash, float[]> lookup(Handle h, Embedder embedder, List<Hash> hashes) {
        Map<Hash, float[]> found = new HashMap<>();
        for (Hash hash : hashes) {
            if (!found.containsKey(hash)) {
                h.createQuery(LOOKUP)
                        .bind(0, embedder.modelId()).bind(1, hash.bytes())
                        .mapTo(byte[].class).findOne()
                        // A damaged entry (changed outside LiteMem) counts as a miss and is replaced when stored.
                        .map(blob -> VectorCodec.decodeUsable(blob, embedder.dimension(), false))
                        .ifPresent(v -> found.put(hash, v));
            }
        }
        return found;
    }

    /**
     * Like {@link #lookup(Handle, Embedder, List)} on the statement {@code db} keeps prepared on the handle's connection:
     * for callers that look up one text many times a second (a memory's remember).
     */
    public static Map<Hash, float[]> lookup(Database db, Handle h, Embedder embedder, List<Hash> hashes) {
        Map<Hash, float[]> found = new HashMap<>();
        try {
            java.sql.PreparedStatement q = db.prepared(h, LOOKUP);
            for (Hash hash : hashes) {
                if (!found.containsKey(hash)) {
                    q.setString(1, embedder.modelId());
                    q.setBytes(2, hash.bytes());
                    try (java.sql.ResultSet rs = q.executeQuery()) {
                        // A damaged entry (changed outside LiteMem) counts as a miss and is replaced when stored.
                        float[] v = rs.next() ? VectorCodec.decodeUsable(rs.getBytes(1), embedder.dimension(), false)
                                : null;
                        if (v != null) {
                            found.put(hash, v);
                        }
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            throw new LiteMemException("reading the embedding cache failed: " + e.getMessage(), e);
        }
        return found;
    }

    /** Like {@link #store(Handle, String, Map, long)} on the statement {@code db} keeps prepared. */
    public static void store(Database db, Handle h, String model, Map<Hash, float[]> computed, long now) {
        try {
            java.sql.PreparedStatement q = db.prepared(h, STORE);
            for (Map.Entry<Hash, float[]> e : computed.entrySet()) {
                q.setString(1, model);
                q.setBytes(2, e.getKey().bytes());
                q.setBytes(3, VectorCodec.encode(e.getValue()));
                q.setLong(4, now);
                q.executeUpdate();
            }
        } catch (java.sql.SQLException e) {
            throw new LiteMemException("writing the embedding cache failed: " + e.getMessage(), e);
        }
    }

    private static final String LOOKUP = "SELECT embedding FROM embedding_cache WHERE model = ? AND text_sha256 = ?";
    private static final String STORE = "INSERT OR REPLACE INTO embedding_cache (model, text_sha256, embedding,"
            + " created_at) VALUES (?, ?, ?, ?)";

    /** Embeds the texts, taking what {@code lookup} finds from the cache and computing the rest once each. */
    public static Result embed(Embedder embedder, List<String> texts, Lookup lookup) {
        List<Hash> hashes = new ArrayList<>(texts.size());
        for (String text : texts) {
            hashes.add(hash(text));
        }
        Map<Hash, float[]> cached = lookup.cached(hashes);
        List<String> missing = new ArrayList<>();
        List<Hash> missingHashes = new ArrayList<>();
        Set<Hash> queued = new HashSet<>();
        for (int i = 0; i < texts.size(); i++) {
            Hash hash = hashes.get(i);
            if (!cached.containsKey(hash) && queued.add(hash)) {
                missing.add(texts.get(i));
                missingHashes.add(hash);
            }
        }
        Map<Hash, float[]> computed = new HashMap<>();
        int truncated = 0;
        if (!missing.isEmpty()) {
            Embeddings embeddings = embedder.embed(missing);
            truncated = embeddings.truncated();
            if (embeddings.vectors().size() != missing.size()) {
                throw new LiteMemException("the embedder " + embedder.modelId() + " returned " + embeddings.vectors().size()
                        + " vectors for " + missing.size() + " texts: fix the Embedder implementation");
            }
            for (int i = 0; i < missing.size(); i++) {
                computed.put(missingHashes.get(i), embeddings.vectors().get(i));
            }
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (Hash hash : hashes) {
            float[] v = cached.get(hash);
            vectors.add(v != null ? v : computed.get(hash));
        }
        return new Result(vectors, hashes, computed, truncated);
    }

    public static void store(Handle h, String model, Map<Hash, float[]> computed, long now) {
        for (Map.Entry<Hash, float[]> e : computed.entrySet()) {
            h.createUpdate(STORE)
                    .bind(0, model).bind(1, e.getKey().bytes()).bind(2, VectorCodec.encode(e.getValue())).bind(3, now)
                    .execute();
        }
    }

    /** Empties the cache; returns how many entries it held. */
    public static int clear(Handle h) {
        return h.createUpdate("DELETE FROM embedding_cache").execute();
    }
}
