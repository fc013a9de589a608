package dev.litemem.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import dev.litemem.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local text embedder: a BERT-style ONNX model run by ONNX Runtime (through DJL) on the CPU, with a Hugging Face
 * tokenizer, mean or CLS pooling and optional L2 normalization. No network, no API key.
 *
 * <pre>{@code
 * try (OnnxEmbedder embedder = OnnxEmbedder.builder().build()) {          // all-minilm-l6-v2
 *     float[] vector = embedder.embed("A man is eating food.");
 * }
 * OnnxEmbedder own = OnnxEmbedder.builder().modelDirectory(dir).pooling(Pooling.CLS).build();
 * }</pre>
 *
 * <p>Thread-safe. The model is loaded once per process for each (files, token limit, threads) combination and shared
 * by every embedder built with them; it is released when the last of those embedders is closed.
 */
public final class OnnxEmbedder implements Embedder {
    private final SharedModel model;
    private final String modelId;
    private final Pooling pooling;
    private final boolean normalize;
    private final int batchSize;
    private final boolean closeable;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong truncatedTotal = new AtomicLong();

    private OnnxEmbedder(SharedModel model, String modelId, Pooling pooling, boolean normalize, int batchSize,
                         boolean closeable) {
        this.model = model;
        this.modelId = modelId;
        this.pooling = pooling;
        this.normalize = normalize;
        this.batchSize = batchSize;
        this.closeable = closeable;
    }

    /** A builder for the default bundled model, {@value BundledModels#DEFAULT}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    /** The token limit: longer texts are cut there and counted in {@link Embeddings#truncated()}. */
    public int maxTokens() {
        return model.maxTokens();
    }

    /** How many texts this embedder has cut at the token limit since it was built. */
    public long truncatedTotal() {
        return truncatedTotal.get();
    }

    @Override
    public Embeddings embed(List<String> texts) {
        if (closed.get()) {
            throw new EmbeddingException("This embedder is closed; build a new one.");
        }
        validate(texts);
        if (texts.isEmpty()) {
            return new Embeddings(List.of(), 0);
        }
        Encoding[] encodings = model.encode(texts);
        int truncated = 0;
        for (Encoding encoding : encodings) {
            if (encoding.exceedMaxLength()) {
                truncated++;
            }
        }
        List<Batches.Planned> plan = Batches.plan(encodings, batchSize, model.threads());
        List<TokenBatch> batches = new ArrayList<>(plan.size());
        for (Batches.Planned planned : plan) {
            batches.add(planned.batch());
        }
        List<float[][]> pooled = model.run(batches, pooling, normalize);
        float[][] vectors = new float[texts.size()][];
        for (int b = 0; b < plan.size(); b++) {
            int[] rows = plan.get(b).sourceIndex();
            for (int r = 0; r < rows.length; r++) {
                vectors[rows[r]] = pooled.get(b)[r];
            }
        }
        truncatedTotal.addAndGet(truncated);
        return new Embeddings(Arrays.asList(vectors), truncated);
    }

    @Override
    public float[] embed(String text) {
        return embed(Collections.singletonList(text)).vectors().get(0);
    }

    private static void validate(List<String> texts) {
        if (texts == null) {
            throw new InvalidInputException("texts", "texts must be a list, not null.");
        }
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new InvalidInputException("texts[" + i + "]", "texts[" + i + "] is null; pass non-empty text.");
            }
            if (text.isBlank()) {
                throw new InvalidInputException("texts[" + i + "]",
                        "texts[" + i + "] is empty or whitespace only; it has no meaning to embed.");
            }
        }
    }

    /**
     * Releases this embedder's hold on the shared model (the last holder frees the native memory). Embedders handed
     * out by the {@link dev.litemem.spi.EmbedderProvider} live as long as the process and ignore close.
     */
    @Override
    public void close() {
        if (closeable && closed.compareAndSet(false, true)) {
            model.release();
        }
    }

    @Override
    public String toString() {
        return "OnnxEmbedder[" + modelId + ", " + dimension() + " dims]";
    }

    /** Configuration; every setter is optional. */
    public static final class Builder {
        private String bundled = BundledModels.DEFAULT;
        private Path directory;
        private String modelId;
        private Pooling pooling;
        private Boolean normalize;
        private Integer maxTokens;
        private int batchSize = 32;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int intraOpThreads = 1;
        private boolean closeable = true;

        private Builder() {
        }

        /** Uses a model from {@link BundledModels} (the default is {@value BundledModels#DEFAULT}). */
        public Builder bundled(String name) {
            this.bundled = name;
            this.directory = null;
            return this;
        }

        /**
         * Uses your own model: a folder with {@code model.onnx} (inputs input_ids, attention_mask and optionally
         * token_type_ids; output last_hidden_state) and {@code tokenizer.json}. Defaults: MEAN pooling, normalized,
         * 512 tokens.
         */
        public Builder modelDirectory(Path directory) {
            this.directory = directory;
            this.bundled = null;
            return this;
        }

        /**
         * The id recorded in collections. For bundled models it defaults to the model name plus any non-default
         * setting; for a directory to {@code onnx-<content hash>-<pooling>-<normalized|raw>-<max tokens>}. If you
         * set it, change it whenever anything that changes the vectors changes.
         */
        public Builder modelId(String modelId) {
            this.modelId = modelId;
            return this;
        }

        public Builder pooling(Pooling pooling) {
            this.pooling = pooling;
            return this;
        }

        /** Whether vectors are scaled to length 1 (then dot product equals cosine). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** Token limit including special tokens; longer texts are cut and counted. */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** Most texts per model call (default 32; long texts get fewer so a batch stays near 2,048 tokens). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** How many batches run at once, each on its own thread (default: available processors). */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** ONNX Runtime threads inside one batch (default 1; more only helps on otherwise idle cores). */
        public Builder intraOpThreads(int intraOpThreads) {
            this.intraOpThreads = intraOpThreads;
            return this;
        }

        Builder sharedForProcess() {
            this.closeable = false;
            return this;
        }

        /** Loads (or reuses) the model. */
        public OnnxEmbedder build() {
            if (pooling == null && directory != null) {
                pooling = Pooling.MEAN;
            }
            if (batchSize < 1 || threads < 1 || intraOpThreads < 1) {
                throw new EmbeddingException("batchSize, threads and intraOpThreads must be at least 1 (were "
                        + batchSize + ", " + threads + ", " + intraOpThreads + ").");
            }
            if (maxTokens != null && (maxTokens < 2 || maxTokens > 8192)) {
                throw new EmbeddingException("maxTokens must be between 2 and 8192, was " + maxTokens + ".");
            }
            if (modelId != null && modelId.isBlank()) {
                throw new EmbeddingException("modelId must not be blank.");
            }
            return directory != null ? buildFromDirectory() : buildBundled();
        }

        private OnnxEmbedder buildBundled() {
            BundledModels.Spec spec = BundledModels.spec(bundled);
            Pooling usedPooling = pooling != null ? pooling : spec.pooling();
            boolean usedNormalize = normalize != null ? normalize : spec.normalize();
            int usedMax = maxTokens != null ? maxTokens : spec.maxTokens();
            String id = modelId;
            if (id == null) {
                StringBuilder sb = new StringBuilder(spec.name());
                if (usedPooling != spec.pooling()) {
                    sb.append("+").append(usedPooling.name().toLowerCase(Locale.ROOT));
                }
                if (usedNormalize != spec.normalize()) {
                    sb.append(usedNormalize ? "+normalized" : "+raw");
                }
                if (usedMax != spec.maxTokens()) {
                    sb.append("+max").append(usedMax);
                }
                id = sb.toString();
            }
            Path dir = ModelFiles.materialize(spec);
            return create(dir, id, usedPooling, usedNormalize, usedMax);
        }

        private OnnxEmbedder buildFromDirectory() {
            if (!Files.isDirectory(directory)) {
                throw new EmbeddingException("Model directory " + directory + " does not exist or is not a folder; "
                        + "it must hold model.onnx and tokenizer.json.");
            }
            Path onnx = directory.resolve(ModelFiles.MODEL_FILE);
            Path tokenizer = directory.resolve(ModelFiles.TOKENIZER_FILE);
            if (!Files.isRegularFile(tokenizer)) {
                throw new EmbeddingException("Model directory " + directory + " has no tokenizer.json; copy the "
                        + "model's Hugging Face tokenizer.json next to model.onnx.");
            }
            if (!Files.isRegularFile(onnx)) {
                throw new EmbeddingException("Model directory " + directory + " has no model.onnx; export the "
                        + "model to ONNX (with a last_hidden_state output) and name the file model.onnx.");
            }
            boolean usedNormalize = normalize == null || normalize;
            int usedMax = maxTokens != null ? maxTokens : 512;
            String id = modelId != null ? modelId
                    : "onnx-" + contentHash(onnx, tokenizer) + "-" + pooling.name().toLowerCase(Locale.ROOT)
                    + (usedNormalize ? "-normalized" : "-raw") + "-" + usedMax;
            return create(directory, id, pooling, usedNormalize, usedMax);
        }

        private OnnxEmbedder create(Path dir, String id, Pooling usedPooling, boolean usedNormalize, int usedMax) {
            SharedModel.Key key = new SharedModel.Key(
                    dir.resolve(ModelFiles.MODEL_FILE).toAbsolutePath().normalize(),
                    dir.resolve(ModelFiles.TOKENIZER_FILE).toAbsolutePath().normalize(),
                    usedMax, threads, intraOpThreads);
            SharedModel shared = SharedModel.acquire(key);
            return new OnnxEmbedder(shared, id, usedPooling, usedNormalize, batchSize, closeable);
        }

        private static String contentHash(Path... files) {
            MessageDigest sha = ModelFiles.sha256();
            byte[] buffer = new byte[1 << 16];
            for (Path file : files) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                } catch (IOException e) {
                    throw new EmbeddingException("Could not read " + file + " to fingerprint the model.", e);
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        }
    }
}
