package dev.litemem.server;

import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import dev.litemem.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A deterministic embedder for server tests: hashed bag of words, L2-normalized; texts sharing words are close. */
public final class WordEmbedder implements Embedder {
    public static final int DIMENSION = 32;

    @Override
    public String modelId() {
        return "test-words-32";
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
                    v[Math.floorMod(Arrays.hashCode(word.getBytes(StandardCharsets.UTF_8)), DIMENSION)] += 1;
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
        return new Embeddings(out, 0);
    }
}
