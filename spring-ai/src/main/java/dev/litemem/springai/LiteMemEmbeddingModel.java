package dev.litemem.springai;

import dev.litemem.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * A Spring AI {@link EmbeddingModel} over a LiteMem {@link Embedder}, for example the bundled local model
 * ({@code Embedders.bundled()}): no network, no API key. The starter makes it the application's embedding model when
 * it defines none.
 */
public final class LiteMemEmbeddingModel implements EmbeddingModel {
    private final Embedder embedder;

    public LiteMemEmbeddingModel(Embedder embedder) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
    }

    /** The LiteMem embedder behind this model. */
    public Embedder embedder() {
        return embedder;
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<float[]> vectors = embedder.embed(request.getInstructions()).vectors();
        List<Embedding> embeddings = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            embeddings.add(new Embedding(vectors.get(i), i));
        }
        return new EmbeddingResponse(embeddings);
    }

    /** Embeds the document's text, as Spring AI's batched {@code embed(documents, options, batching)} does. */
    @Override
    public float[] embed(Document document) {
        return embedder.embed(document.getText());
    }

    @Override
    public int dimensions() {
        return embedder.dimension();
    }
}
