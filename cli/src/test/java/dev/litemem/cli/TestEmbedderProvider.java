package dev.litemem.cli;

import dev.litemem.Embedder;
import dev.litemem.spi.EmbedderProvider;
import dev.litemem.testing.WordHashEmbedder;
import java.util.List;

/**
 * The tests' word-hash embedder for the CLI's end-to-end tests, found like the bundled model (ServiceLoader) but only
 * in child JVMs started with {@code -Dlitemem.test.embedder=true}: 64 dimensions, words of three letters or more,
 * a 256-token limit.
 */
public final class TestEmbedderProvider implements EmbedderProvider {
    static final String MODEL = "test-words-64";

    @Override
    public List<String> modelNames() {
        return Boolean.getBoolean("litemem.test.embedder") ? List.of(MODEL) : List.of();
    }

    @Override
    public Embedder create(String modelName) {
        return embedder();
    }

    static Embedder embedder() {
        return new WordHashEmbedder(MODEL, 64, 256, 3);
    }
}
