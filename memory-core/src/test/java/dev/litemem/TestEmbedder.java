package dev.litemem;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic embedder for core tests (the real ONNX model is tested in litemem-embedding): a bag of hashed
 * words, L2-normalized, so texts that share words are close. Counts how many texts it embedded.
 */
final class TestEmbedder implements Embedder {
    static final int DIMENSION = 32;
    final AtomicInteger embedded = new AtomicInteger();
    private final String modelId;

    TestEmbedder() {
        this("test-words-32");
    }

    TestEmbedder(String modelId) {
        this.modelId = modelId;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public Embeddings embed(List<String> texts) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null || text.isBlank()) {
                throw new InvalidInputException("texts[" + i + "]", "texts[" + i + "] is empty");
            }
            float[] v = new float[DIMENSION];
            for (String word : text.toLowerCase().split("\\W+")) {
                if (!word.isEmpty()) {
                    int h = java.util.Arrays.hashCode(word.getBytes(StandardCharsets.UTF_8));
                    v[Math.floorMod(h, DIMENSION)] += 1;
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
        return new Embeddings(out, 0);
    }
}
