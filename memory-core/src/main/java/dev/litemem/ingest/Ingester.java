package dev.litemem.ingest;

import dev.litemem.Collection;
import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import dev.litemem.Filter;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.Record;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Ingests files and folders into a collection: walks them, extracts text (plain text, Markdown, HTML, PDF), chunks it
 * with the store's embedder's tokenizer, embeds the chunks and stores them, recording each file in the documents
 * table in the same transaction as its chunks.
 *
 * <pre>{@code
 * IngestSummary s = Ingester.builder(mem).collection("docs").prune(true).build().run(List.of(Path.of("notes")));
 * }</pre>
 *
 * Incremental: a file whose bytes (SHA-256) and chunking settings did not change is skipped; a changed file's chunks
 * are replaced; with {@link Builder#prune(boolean)} documents whose files are gone are removed. Reading, parsing and
 * chunking run on reader threads, storing on a writer thread, so the calling thread only feeds the embedder. A file
 * that cannot be read or parsed is reported and skipped. {@link #cancel()} stops after the current batch; whatever was
 * committed stays.
 */
public final class Ingester {
    private final LiteMem mem;
    private final String collectionName;
    private final ChunkingOptions chunking;
    private final FileWalker walker;
    private final boolean prune;
    private final int batchSize;
    private final int readerThreads;
    private final IngestListener listener;
    private volatile boolean cancelled;

    private Ingester(Builder b) {
        this.mem = b.mem;
        this.collectionName = b.collection;
        this.chunking = b.chunking;
        this.walker = new FileWalker(b.include, b.exclude, b.useIgnoreFiles);
        this.prune = b.prune;
        this.batchSize = b.batchSize;
        this.readerThreads = b.readerThreads;
        this.listener = b.listener;
    }

    public static Builder builder(LiteMem mem) {
        return new Builder(mem);
    }

    /** Asks a running {@link #run(List)} to stop after the batch it is embedding; safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    /** The documents recorded in a collection, by path; empty if the collection does not exist. */
    public static List<Document> documents(LiteMem mem, String collection) {
        return mem.withReadHandle(h -> {
            Long id = h.createQuery("SELECT id FROM collections WHERE name = ?").bind(0, collection).mapTo(Long.class)
                    .findOne().orElse(null);
            return id == null ? List.<Document>of() : DocumentTable.list(h, id);
        });
    }

    /**
     * Ingests the files and folders.
     *
     * @throws LiteMemException if a root does not exist (nothing is ingested), the store has no embedder, or the
     *                          store fails; unreadable files are reported in the summary instead
     */
    public IngestSummary run(List<Path> roots) {
        long started = System.nanoTime();
        Embedder embedder = mem.embedder().orElseThrow(() -> new LiteMemException("this store has no embedder to ingest"
                + " with: add litemem-embedding to the class path or open the store with LiteMemOptions.builder().embedder(...)"));
        List<IngestSummary.FileError> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<SourceFile> files = walker.walk(roots, (path, message) -> fail(errors, path, message));
        Collection collection = mem.collection(collectionName);
        if (!collection.info().spec().model().equals(embedder.modelId())) {
            throw new LiteMemException("collection '" + collectionName + "' holds vectors of the model "
                    + collection.info().spec().model() + ", but this store embeds with " + embedder.modelId()
                    + ": ingest into another collection (--collection)");
        }
        long collectionId = mem.withReadHandle(h -> DocumentTable.collectionId(h, collectionName));
        Map<String, DocumentTable.Stored> stored = mem.withReadHandle(h -> DocumentTable.fingerprints(h, collectionId));
        String fingerprint = chunking.fingerprint(embedder.modelId());
        Chunker chunker = new Chunker(chunking, embedder::countTokens, embedder.maxTokens());
        listener.started(files.size());

        Run run = new Run(started, files.size(), errors);
        ExecutorService readers = Executors.newFixedThreadPool(readerThreads, daemon("litemem-ingest-reader"));
        Writer writer = new Writer(collection, collectionId, fingerprint, run);
        Thread writerThread = daemon("litemem-ingest-writer").newThread(writer);
        writerThread.start();
        try {
            embedAll(files, readers, stored, fingerprint, chunker, embedder, writer, run, collection);
        } finally {
            readers.shutdownNow();
            writer.finish();
            joinUninterruptibly(writerThread);
        }
        if (writer.failure != null) {
            throw writer.failure instanceof LiteMemException l ? l
                    : new LiteMemException("storing the chunks failed: " + writer.failure, writer.failure);
        }
        int removed = 0;
        if (prune && !cancelled) {
            removed = prune(roots, files, stored.keySet(), collection, collectionId);
        }
        return new IngestSummary(run.added, run.changed, run.unchanged, removed, run.chunks, errors, run.truncated,
                System.nanoTime() - started, cancelled);
    }

    private void fail(List<IngestSummary.FileError> errors, String path, String message) {
        errors.add(new IngestSummary.FileError(path, message));
        listener.fileFailed(path, message);
    }

    /** Counters of one run; written by the writer thread and the calling thread under its own lock. */
    private final class Run {
        final long started;
        final int total;
        final List<IngestSummary.FileError> errors;
        int added;
        int changed;
        int unchanged;
        int done;
        long chunks;
        int truncated;

        Run(long started, int total, List<IngestSummary.FileError> errors) {
            this.started = started;
            this.total = total;
            this.errors = errors;
        }

        void report() {
            IngestProgress p;
            synchronized (this) {
                p = new IngestProgress(done, total, chunks, System.nanoTime() - started);
            }
            listener.progress(p);
        }
    }

    /** One file's chunks with their vectors, filled in as batches come back from the embedder. */
    private static final class Pending {
        final Parsed.Ready ready;
        final float[][] vectors;
        int missing;

        Pending(Parsed.Ready ready) {
            this.ready = ready;
            this.vectors = new float[ready.chunks().size()][];
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = ready.reused().get(ready.chunks().get(i).embedText());
            }
            int reused = 0;
            for (float[] v : vectors) {
                reused += v == null ? 0 : 1;
            }
            this.missing = vectors.length - reused;
        }
    }

    private void embedAll(List<SourceFile> files, ExecutorService readers, Map<String, DocumentTable.Stored> stored,
                          String fingerprint, Chunker chunker, Embedder embedder, Writer writer, Run run,
                          Collection collection) {
        int window = Math.max(8, readerThreads * 4);
        Deque<Future<Parsed>> inFlight = new ArrayDeque<>();
        int next = 0;
        Deque<Pending> waiting = new ArrayDeque<>();
        List<Object[]> queued = new ArrayList<>();
        while (!cancelled && writer.failure == null) {
            while (next < files.size() && inFlight.size() < window) {
                SourceFile f = files.get(next++);
                inFlight.add(readers.submit(() -> read(f, stored.get(f.source()), fingerprint, chunker, collection)));
            }
            if (queued.size() < batchSize && !inFlight.isEmpty()) {
                Parsed parsed = await(inFlight.poll());
                if (parsed instanceof Parsed.Unchanged) {
                    synchronized (run) {
                        run.unchanged++;
                        run.done++;
                    }
                    run.report();
                } else if (parsed instanceof Parsed.Failed f) {
                    fail(run.errors, f.file().source(), f.message());
                    synchronized (run) {
                        run.done++;
                    }
                    run.report();
                } else {
                    Pending p = new Pending((Parsed.Ready) parsed);
                    waiting.add(p);
                    for (int i = 0; i < p.vectors.length; i++) {
                        if (p.vectors[i] == null) {
                            queued.add(new Object[] {p, i});
                        }
                    }
                }
                continue;
            }
            if (queued.isEmpty() && waiting.isEmpty()) {
                break;
            }
            List<Object[]> batch = new ArrayList<>(queued.subList(0, Math.min(batchSize, queued.size())));
            queued.subList(0, batch.size()).clear();
            if (!batch.isEmpty()) {
                List<String> texts = new ArrayList<>(batch.size());
                for (Object[] slot : batch) {
                    texts.add(((Pending) slot[0]).ready.chunks().get((Integer) slot[1]).embedText());
                }
                Embeddings embeddings = embedder.embed(texts);
                if (embeddings.vectors().size() != texts.size()) {
                    throw new LiteMemException("the embedder " + embedder.modelId() + " returned "
                            + embeddings.vectors().size() + " vectors for " + texts.size() + " texts");
                }
                synchronized (run) {
                    run.truncated += embeddings.truncated();
                }
                for (int i = 0; i < batch.size(); i++) {
                    Pending p = (Pending) batch.get(i)[0];
                    p.vectors[(Integer) batch.get(i)[1]] = embeddings.vectors().get(i);
                    p.missing--;
                }
            }
            List<Pending> complete = new ArrayList<>();
            while (!waiting.isEmpty() && waiting.peek().missing == 0) {
                complete.add(waiting.poll());
            }
            if (!complete.isEmpty()) {
                writer.submit(complete);
            }
        }
    }

    private static Parsed await(Future<Parsed> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiteMemException("ingest was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error err) {
                throw err;
            }
            throw cause instanceof RuntimeException r ? r : new LiteMemException("reading failed: " + cause, cause);
        }
    }

    /** Runs on a reader thread: read, hash, and (unless unchanged) extract and chunk one file. */
    private static Parsed read(SourceFile f, DocumentTable.Stored previous, String fingerprint, Chunker chunker,
                               Collection collection) {
        byte[] content;
        long modified;
        try {
            content = Files.readAllBytes(f.file());
            modified = Files.getLastModifiedTime(f.file()).toMillis();
        } catch (IOException e) {
            return new Parsed.Failed(f, "cannot read: " + e.getClass().getSimpleName());
        }
        byte[] sha = sha256(content);
        if (previous != null && Arrays.equals(previous.sha256(), sha) && previous.chunker().equals(fingerprint)) {
            return new Parsed.Unchanged(f);
        }
        try {
            Extracted extracted = Extractors.extract(f.file().getFileName().toString(), content);
            List<Chunk> chunks = chunker.chunk(extracted);
            Map<String, float[]> reused = previous == null || !previous.chunker().equals(fingerprint) ? Map.of()
                    : previousVectors(collection, f.source());
            return new Parsed.Ready(f, previous == null, extracted.title(), content.length, modified, sha, chunks, reused);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Parsed.Failed(f, "cannot parse " + Extractors.format(f.file().getFileName().toString())
                    .name().toLowerCase(java.util.Locale.ROOT) + ": " + why);
        }
    }

    /**
     * The vectors of a changed file's current chunks by the text they were embedded from, so that an edit re-embeds
     * only the chunks it changed (same chunker settings and model, so the same text gives the same vector).
     */
    private static Map<String, float[]> previousVectors(Collection collection, String source) {
        Map<String, float[]> out = new java.util.HashMap<>();
        String cursor = null;
        do {
            dev.litemem.Page<Record> page = collection.list(Filter.eq(Filter.SOURCE, source), cursor, 1000);
            for (Record r : page.items()) {
                Object headings = r.metadata().get("headings");
                Object title = r.metadata().get("title");
                if (r.hasVector() && r.text() != null && headings instanceof List<?> list) {
                    List<String> names = list.stream().map(String::valueOf).toList();
                    out.put(Chunker.embedText(title instanceof String t ? t : null, names, r.text()), r.vector());
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }

    static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Stores completed files, one transaction per group: old chunks out, new chunks and the document row in. */
    private final class Writer implements Runnable {
        private static final List<Pending> END = new ArrayList<>();
        private final java.util.concurrent.BlockingQueue<List<Pending>> queue = new java.util.concurrent.ArrayBlockingQueue<>(2);
        private final Collection collection;
        private final long collectionId;
        private final String fingerprint;
        private final Run run;
        volatile Throwable failure;

        Writer(Collection collection, long collectionId, String fingerprint, Run run) {
            this.collection = collection;
            this.collectionId = collectionId;
            this.fingerprint = fingerprint;
            this.run = run;
        }

        void submit(List<Pending> group) {
            putUninterruptibly(group);
        }

        void finish() {
            putUninterruptibly(END);
        }

        private void putUninterruptibly(List<Pending> group) {
            boolean interrupted = false;
            while (true) {
                try {
                    if (failure != null && group != END) {
                        return;
                    }
                    if (queue.offer(group, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            while (true) {
                List<Pending> group;
                try {
                    group = queue.take();
                } catch (InterruptedException e) {
                    failure = e;
                    return;
                }
                if (group == END) {
                    return;
                }
                if (failure != null) {
                    continue;
                }
                try {
                    store(group);
                } catch (Throwable t) {
                    failure = t;
                }
            }
        }

        private void store(List<Pending> group) {
            Instant now = Instant.now();
            mem.inTransaction(h -> {
                for (Pending p : group) {
                    Parsed.Ready r = p.ready;
                    String source = r.file().source();
                    collection.deleteWhere(Filter.eq(Filter.SOURCE, source));
                    List<Record> records = new ArrayList<>(r.chunks().size());
                    for (Chunk c : r.chunks()) {
                        records.add(Record.builder().id(recordId(source, c.index())).text(c.text())
                                .metadata(metadata(r, c)).vector(p.vectors[c.index()]).source(source, c.index()).build());
                    }
                    collection.upsertAll(records);
                    DocumentTable.upsert(h, collectionId, new Document(source, r.title(), r.size(),
                            Instant.ofEpochMilli(r.modifiedMillis()), "", r.chunks().size(), now), r.sha256(), fingerprint);
                }
                return null;
            });
            synchronized (run) {
                for (Pending p : group) {
                    if (p.ready.isNew()) {
                        run.added++;
                    } else {
                        run.changed++;
                    }
                    run.done++;
                    run.chunks += p.vectors.length;
                }
            }
            run.report();
        }
    }

    static String recordId(String source, int chunk) {
        String id = source + "#" + chunk;
        if (id.length() <= 512) {
            return id;
        }
        return java.util.HexFormat.of().formatHex(sha256(source.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                + "#" + chunk;
    }

    private static Map<String, Object> metadata(Parsed.Ready r, Chunk c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", r.file().relative());
        m.put("title", r.title());
        m.put("headings", c.headings());
        m.put("heading", String.join(" > ", c.headings()));
        if (c.page() != null) {
            m.put("page", c.page());
        }
        m.put("tokens", c.tokens());
        return m;
    }

    /** Deletes the documents under the roots whose files no longer exist; returns how many. */
    private int prune(List<Path> roots, List<SourceFile> walked, Set<String> storedPaths, Collection collection,
                      long collectionId) {
        Set<String> present = new HashSet<>();
        for (SourceFile f : walked) {
            present.add(f.source());
        }
        List<String> gone = new ArrayList<>();
        for (String path : storedPaths) {
            if (present.contains(path) || !underAnyRoot(path, roots)) {
                continue;
            }
            if (!Files.exists(Path.of(path))) {
                gone.add(path);
            }
        }
        if (gone.isEmpty()) {
            return 0;
        }
        mem.inTransaction(h -> {
            for (String path : gone) {
                collection.deleteWhere(Filter.eq(Filter.SOURCE, path));
                DocumentTable.delete(h, collectionId, path);
            }
            return null;
        });
        return gone.size();
    }

    private static boolean underAnyRoot(String path, List<Path> roots) {
        for (Path root : roots) {
            String name = FileWalker.rootName(root);
            if (name.isEmpty() || path.equals(name) || path.startsWith(name.endsWith("/") ? name : name + "/")) {
                return true;
            }
        }
        return false;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public static final class Builder {
        private final LiteMem mem;
        private String collection = "docs";
        private ChunkingOptions chunking = ChunkingOptions.defaults();
        private List<String> include = List.of();
        private List<String> exclude = List.of();
        private boolean useIgnoreFiles;
        private boolean prune;
        private int batchSize = 64;
        private int readerThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
        private IngestListener listener = new IngestListener() { };

        private Builder(LiteMem mem) {
            this.mem = Objects.requireNonNull(mem, "mem");
        }

        /** The collection to fill (default "docs"), created with the store's embedder if it does not exist. */
        public Builder collection(String collection) {
            this.collection = Objects.requireNonNull(collection, "collection");
            return this;
        }

        public Builder chunking(ChunkingOptions chunking) {
            this.chunking = Objects.requireNonNull(chunking, "chunking");
            return this;
        }

        /**
         * Globs of the files to take inside folders, matched against the path below the folder and against the file
         * name (default: Markdown, text, HTML and PDF files). Files given directly are always taken.
         */
        public Builder include(List<String> globs) {
            this.include = List.copyOf(globs);
            return this;
        }

        /** Globs of files and folders to leave out, matched like {@link #include(List)}. */
        public Builder exclude(List<String> globs) {
            this.exclude = List.copyOf(globs);
            return this;
        }

        /** Whether to honour .gitignore and .litememignore files in the folders walked (default false). */
        public Builder useIgnoreFiles(boolean useIgnoreFiles) {
            this.useIgnoreFiles = useIgnoreFiles;
            return this;
        }

        /** Whether to remove the documents under the roots whose files no longer exist (default false). */
        public Builder prune(boolean prune) {
            this.prune = prune;
            return this;
        }

        /** How many chunks go to the embedder per call (default 64). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 4096) {
                throw new IllegalArgumentException("batchSize must be between 1 and 4096, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** How many threads read, parse and chunk files while the embedder runs (default: cores - 1, 1 to 4). */
        public Builder readerThreads(int readerThreads) {
            if (readerThreads < 1 || readerThreads > 64) {
                throw new IllegalArgumentException("readerThreads must be between 1 and 64, was " + readerThreads);
            }
            this.readerThreads = readerThreads;
            return this;
        }

        public Builder listener(IngestListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Ingester build() {
            return new Ingester(this);
        }
    }
}
