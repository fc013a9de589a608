package dev.litemem.embedding;

import dev.litemem.Embedder;
import dev.litemem.spi.EmbedderProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers the bundled models with memory-core through {@link java.util.ServiceLoader}. Each name gets one shared
 * embedder per process; closing it does nothing.
 */
public final class LocalEmbedderProvider implements EmbedderProvider {
    private static final Map<String, OnnxEmbedder> SHARED = new HashMap<>();

    @Override
    public List<String> modelNames() {
        return BundledModels.available();
    }

    @Override
    public Embedder create(String modelName) {
        BundledModels.spec(modelName);
        synchronized (SHARED) {
            OnnxEmbedder embedder = SHARED.get(modelName);
            if (embedder == null) {
                embedder = OnnxEmbedder.builder().bundled(modelName).sharedForProcess().build();
                SHARED.put(modelName, embedder);
            }
            return embedder;
        }
    }
}
