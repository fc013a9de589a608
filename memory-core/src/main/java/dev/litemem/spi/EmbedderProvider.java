package dev.litemem.spi;

import dev.litemem.Embedder;
import java.util.List;

/**
 * Service-provider interface through which memory-core finds bundled embedders without depending on them: the
 * module {@code litemem-embedding} registers one in {@code META-INF/services/dev.litemem.spi.EmbedderProvider}.
 */
public interface EmbedderProvider {

    /** The model names this provider can create; the first one is its default. */
    List<String> modelNames();

    /**
     * Creates (or returns a shared instance of) the named embedder.
     *
     * @throws dev.litemem.LiteMemException if the name is not one of {@link #modelNames()} or the model cannot load
     */
    Embedder create(String modelName);
}
