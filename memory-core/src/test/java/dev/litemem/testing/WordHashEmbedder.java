package dev.litemem.testing;

import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import dev.litemem.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deterministic embedder of LiteMem's tests (the real ONNX model is tested in litemem-embedding): a bag of
 * hashed lower-case words (letters and digits), L2-normalized, so texts that share words are close. It counts tokens
 * with {@link Embedder}'s default estimate; texts over {@link #maxTokens()} count as truncated (the vector is not
 * cut). It counts the texts it embedded and the calls, so tests can see what the embedding cache saved.
 */
public final class WordHashEmbedder implements Embedder {
    /** The model id of the default, 32-dimension embedder. */
    public static final String MODEL = "test-words-32";
    public static final int DIMENSION = 32;

    private final String modelId;
    private final int dimension;
    private final int maxTokens;
    private final int minWordLength;
    private final AtomicInteger embedded = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();

    /** 32 dimensions, model {@value #MODEL}, no token limit. */
    public WordHashEmbedder() {
        this(MODEL, DIMENSION, Integer.MAX_VALUE, 1);
    }

    /** 32 dimensions under another model id (for tests of collections bound to a model). */
    public WordHashEmbedder(String modelId) {
        this(modelId, DIMENSION, Integer.MAX_VALUE, 1);
    }

    /** Model {@code test-words-DIMENSION} with a token limit, for chunking tests. */
    public WordHashEmbedder(int dimension, int maxTokens) {
        this("test-words-" + dimension, dimension, maxTokens, 1);
    }

    /** @param minWordLength shorter words are left out (3 drops most stop words) */
    public WordHashEmbedder(String modelId, int dimension, int maxTokens, int minWordLength) {
        this.modelId = modelId;
        this.dimension = dimension;
        this.maxTokens = maxTokens;
        this.minWordLength = minWordLength;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    @Override
    public Embeddings embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        int truncated = 0;
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null || text.isBlank()) {
                throw new InvalidInputException("texts[" + i + "]", "texts[" + i + "] is empty");
            }
            if (maxTokens != Integer.MAX_VALUE && countTokens(text) > maxTokens) {
                truncated++;
            }
            out.add(vector(text));
        }
        embedded.addAndGet(texts.size());
        calls.incrementAndGet();
        return new Embeddings(out, truncated);
    }

    private float[] vector(String text) {
        float[] v = new float[dimension];
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.length() >= minWordLength && !word.isEmpty()) {
                v[Math.floorMod(Arrays.hashCode(word.getBytes(StandardCharsets.UTF_8)), dimension)] += 1;
            }
        }
        v[0] += 0.01f; // never all zeros: every text has a direction
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        for (int j = 0; j < v.length; j++) {
            v[j] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    /** How many texts this embedder embedded so far. */
    public int embeddedTexts() {
        return embedded.get();
    }

    /** How many times {@link #embed(List)} was called so far. */
    public int calls() {
        return calls.get();
    }
}
