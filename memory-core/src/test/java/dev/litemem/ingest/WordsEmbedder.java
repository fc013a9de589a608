package dev.litemem.ingest;

import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import dev.litemem.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic embedder for ingest tests: a bag of hashed lower-case words, L2-normalized, with the default token
 * estimate and a small token limit so chunking limits are exercised; texts over the limit count as truncated.
 */
public final class WordsEmbedder implements Embedder {
    static final int DIMENSION = 64;
    final AtomicInteger embedded = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    private final int maxTokens;

    public WordsEmbedder(int maxTokens) {
        this.maxTokens = maxTokens;
    }

    @Override
    public String modelId() {
        return "test-words-64";
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    @Override
    public Embeddings embed(List<String> texts) {
        List<float[]> out = new ArrayList<>();
        int truncated = 0;
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null || text.isBlank()) {
                throw new InvalidInputException("texts[" + i + "]", "texts[" + i + "] is empty");
            }
            if (countTokens(text) > maxTokens) {
                truncated++;
            }
            float[] v = new float[DIMENSION];
            for (String word : text.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                if (!word.isEmpty()) {
                    v[Math.floorMod(java.util.Arrays.hashCode(word.getBytes(StandardCharsets.UTF_8)), DIMENSION)] += 1;
                }
            }
            v[0] += 0.01f;
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            for (int j = 0; j < v.length; j++) {
                v[j] /= (float) Math.sqrt(norm);
            }
            out.add(v);
        }
        embedded.addAndGet(texts.size());
        calls.incrementAndGet();
        return new Embeddings(out, truncated);
    }
}
