package dev.litemem.embedding;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One loaded ONNX session and tokenizer, shared by every embedder with the same files, token limit and threads.
 * ONNX Runtime sessions are thread-safe but DJL predictors are not, so a pool holds one predictor per thread; each
 * session uses {@code intraOpThreads} threads per call (1 by default: spinning ORT workers collapse when the cores
 * are shared with other work).
 */
final class SharedModel {
    record Key(Path modelFile, Path tokenizerFile, int maxTokens, int threads, int intraOpThreads) {
    }

    private static final Map<Key, SharedModel> LOADED = new HashMap<>();

    private final Key key;
    private final HuggingFaceTokenizer tokenizer;
    private final Model model;
    private final BlockingQueue<Predictor<TokenBatch, HiddenStateTranslator.Hidden>> predictors;
    private final List<Predictor<TokenBatch, HiddenStateTranslator.Hidden>> allPredictors = new ArrayList<>();
    private final OrtSession.SessionOptions sessionOptions;
    private final ExecutorService helpers;
    private final int dimension;
    private int references;
    /** Calls hold the read lock; the last release takes the write lock, so native memory is never freed mid-call. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    static synchronized SharedModel acquire(Key key) {
        SharedModel shared = LOADED.get(key);
        if (shared == null) {
            shared = new SharedModel(key);
            LOADED.put(key, shared);
        }
        shared.references++;
        return shared;
    }

    /** Drops one reference; the last one closes the session, the tokenizer and the helper threads. */
    void release() {
        synchronized (SharedModel.class) {
            if (--references > 0) {
                return;
            }
            LOADED.remove(key);
        }
        lifecycle.writeLock().lock();
        try {
            closed = true;
            if (helpers != null) {
                helpers.shutdown();
            }
            allPredictors.forEach(Predictor::close);
            model.close();
            sessionOptions.close();
            tokenizer.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void enter() {
        lifecycle.readLock().lock();
        if (closed) {
            lifecycle.readLock().unlock();
            throw new EmbeddingException("This embedder is closed; build a new one.");
        }
    }

    private void exit() {
        lifecycle.readLock().unlock();
    }

    private SharedModel(Key key) {
        this.key = key;
        DjlSetup.ensureEngine();
        this.tokenizer = loadTokenizer(key);
        Model loaded = null;
        OrtSession.SessionOptions sessionOptions = null;
        try {
            loaded = Model.newInstance("litemem-embedder", Device.cpu(), DjlSetup.ENGINE);
            // Memory patterns are planned and cached per input shape; with batches of every length that cache only
            // grows, so it is off (DJL's options can only turn it on).
            sessionOptions = new OrtSession.SessionOptions();
            sessionOptions.setMemoryPatternOptimization(false);
            loaded.load(key.modelFile(), null, Map.of(
                    "sessionOptions", sessionOptions,
                    "interOpNumThreads", "1",
                    "intraOpNumThreads", String.valueOf(key.intraOpThreads())));
            List<String> inputs = loaded.getBlock().describeInput().keys();
            for (String name : inputs) {
                if (!HiddenStateTranslator.isSupportedInput(name)) {
                    throw new EmbeddingException("The ONNX model " + key.modelFile() + " asks for an input named '"
                            + name + "'; only input_ids, attention_mask and token_type_ids are supported.");
                }
            }
            if (!inputs.contains("input_ids")) {
                throw new EmbeddingException("The ONNX model " + key.modelFile() + " has no input_ids input (its "
                        + "inputs are " + inputs + "); a BERT-style text encoder is needed.");
            }
            HiddenStateTranslator translator = new HiddenStateTranslator(inputs);
            this.predictors = new ArrayBlockingQueue<>(key.threads());
            for (int i = 0; i < key.threads(); i++) {
                Predictor<TokenBatch, HiddenStateTranslator.Hidden> predictor = loaded.newPredictor(translator);
                allPredictors.add(predictor);
                predictors.add(predictor);
            }
            this.model = loaded;
            this.sessionOptions = sessionOptions;
            this.dimension = probeDimension();
        } catch (IOException | MalformedModelException | OrtException | RuntimeException e) {
            allPredictors.forEach(Predictor::close);
            if (loaded != null) {
                loaded.close();
            }
            if (sessionOptions != null) {
                sessionOptions.close();
            }
            tokenizer.close();
            if (e instanceof EmbeddingException) {
                throw (EmbeddingException) e;
            }
            throw new EmbeddingException("Could not load the ONNX model " + key.modelFile() + ": "
                    + e.getMessage() + ". Check that it is a valid ONNX text encoder (model.onnx).", e);
        }
        this.helpers = key.threads() > 1 ? Executors.newFixedThreadPool(key.threads() - 1, runnable -> {
            Thread thread = new Thread(runnable, "litemem-embedder");
            thread.setDaemon(true);
            return thread;
        }) : null;
    }

    private static HuggingFaceTokenizer loadTokenizer(Key key) {
        try {
            // modelMaxLength too: DJL silently lowers maxLength to it (512 unless told).
            HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder(
                    Map.of("modelMaxLength", key.maxTokens()));
            return builder.optTokenizerPath(key.tokenizerFile())
                    .optMaxLength(key.maxTokens())
                    .optTruncation(true)
                    .optPadding(false)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new EmbeddingException("Could not load the tokenizer " + key.tokenizerFile() + ": "
                    + e.getMessage() + ". It must be a Hugging Face tokenizer.json.", e);
        }
    }

    private int probeDimension() {
        Encoding encoding = tokenizer.encode("dimension probe");
        TokenBatch batch = Batches.pad(new Encoding[] {encoding}, new int[] {0}, 0, 1);
        return predictOne(batch).dimension();
    }

    int dimension() {
        return dimension;
    }

    int threads() {
        return key.threads();
    }

    int maxTokens() {
        return key.maxTokens();
    }

    Encoding[] encode(List<String> texts) {
        enter();
        try {
            return tokenizer.batchEncode(texts);
        } finally {
            exit();
        }
    }

    /**
     * Runs the batches on the calling thread and, when there are several, on up to {@code threads - 1} helper
     * threads; each batch borrows a predictor for its duration, so concurrent callers share the pool fairly.
     */
    List<float[][]> run(List<TokenBatch> batches, Pooling pooling, boolean normalize) {
        enter();
        try {
            return runOpen(batches, pooling, normalize);
        } finally {
            exit();
        }
    }

    private List<float[][]> runOpen(List<TokenBatch> batches, Pooling pooling, boolean normalize) {
        float[][][] results = new float[batches.size()][][];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i; failure.get() == null && (i = next.getAndIncrement()) < batches.size(); ) {
                try {
                    TokenBatch batch = batches.get(i);
                    results[i] = Pooler.pool(predictOne(batch), batch, pooling, normalize);
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        int helperCount = helpers == null ? 0 : Math.min(key.threads(), batches.size()) - 1;
        // A helper that has not started when the caller runs out of work is claimed back, so the caller waits only
        // for helpers that are actually running.
        AtomicBoolean[] claimed = new AtomicBoolean[helperCount];
        CountDownLatch helpersDone = new CountDownLatch(helperCount);
        List<Future<?>> submitted = new ArrayList<>(helperCount);
        for (int h = 0; h < helperCount; h++) {
            AtomicBoolean claim = new AtomicBoolean();
            claimed[h] = claim;
            submitted.add(helpers.submit(() -> {
                if (claim.compareAndSet(false, true)) {
                    try {
                        worker.run();
                    } finally {
                        helpersDone.countDown();
                    }
                }
            }));
        }
        worker.run();
        for (int h = 0; h < helperCount; h++) {
            if (claimed[h].compareAndSet(false, true)) {
                submitted.get(h).cancel(false);
                helpersDone.countDown();
            }
        }
        awaitUninterruptibly(helpersDone);
        Throwable failed = failure.get();
        if (failed instanceof RuntimeException) {
            throw (RuntimeException) failed;
        }
        if (failed != null) {
            throw (Error) failed;
        }
        return List.of(results);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                // Helpers write into this call's result arrays: never return while one is still running.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private HiddenStateTranslator.Hidden predictOne(TokenBatch batch) {
        Predictor<TokenBatch, HiddenStateTranslator.Hidden> predictor;
        try {
            predictor = predictors.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("Interrupted while waiting for a free embedding thread.", e);
        }
        try {
            return predictor.predict(batch);
        } catch (TranslateException e) {
            if (e.getCause() instanceof EmbeddingException) {
                throw (EmbeddingException) e.getCause();
            }
            throw new EmbeddingException("The ONNX model failed on a batch of " + batch.rows() + " texts of "
                    + batch.length() + " tokens: " + e.getMessage(), e);
        } finally {
            predictors.add(predictor);
        }
    }
}
