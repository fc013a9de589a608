package dev.litemem.cli;

import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import dev.litemem.InvalidInputException;
import dev.litemem.spi.EmbedderProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small deterministic embedder for the CLI's end-to-end tests, found like the bundled model (ServiceLoader) but only
 * in child JVMs started with {@code -Dlitemem.test.embedder=true}: a bag of hashed words, L2-normalized, with the
 * default token estimate and a 256-token limit.
 */
public final class TestEmbedderProvider implements EmbedderProvider {
    static final String MODEL = "test-words-64";

    @Override
    public List<String> modelNames() {
        return Boolean.getBoolean("litemem.test.embedder") ? List.of(MODEL) : List.of();
    }

    @Override
    public Embedder create(String modelName) {
        return new Words();
    }

    static final class Words implements Embedder {
        @Override
        public String modelId() {
            return MODEL;
        }

        @Override
        public int dimension() {
            return 64;
        }

        @Override
        public int maxTokens() {
            return 256;
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
                truncated += countTokens(text) > maxTokens() ? 1 : 0;
                float[] v = new float[64];
                for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                    if (word.length() > 2) {
                        v[Math.floorMod(java.util.Arrays.hashCode(word.getBytes(StandardCharsets.UTF_8)), 64)] += 1;
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
            return new Embeddings(out, truncated);
        }
    }
}
