package dev.litemem;

import dev.litemem.spi.EmbedderProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the bundled embedders (module litemem-embedding) on the class path, if it is there. */
public final class Embedders {
    private Embedders() {
    }

    /** The names of every bundled model on the class path, the default first; empty without litemem-embedding. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        for (EmbedderProvider provider : ServiceLoader.load(EmbedderProvider.class)) {
            names.addAll(provider.modelNames());
        }
        return names;
    }

    /** The default bundled embedder (all-MiniLM-L6-v2), shared by the whole process. */
    public static Embedder bundled() {
        for (EmbedderProvider provider : ServiceLoader.load(EmbedderProvider.class)) {
            if (!provider.modelNames().isEmpty()) {
                return provider.create(provider.modelNames().get(0));
            }
        }
        throw new LiteMemException("no bundled embedder is on the class path: add the dependency dev.litemem:litemem-embedding,"
                + " or give an Embedder in LiteMemOptions, or supply vectors with every record");
    }

    /** A bundled embedder by name, shared by the whole process. */
    public static Embedder bundled(String name) {
        for (EmbedderProvider provider : ServiceLoader.load(EmbedderProvider.class)) {
            if (provider.modelNames().contains(name)) {
                return provider.create(name);
            }
        }
        List<String> names = available();
        throw new LiteMemException("no bundled embedder named '" + name + "'"
                + (names.isEmpty() ? ": add the dependency dev.litemem:litemem-embedding" : ": choose one of " + names));
    }
}
