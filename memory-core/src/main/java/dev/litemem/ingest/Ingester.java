package dev.litemem.ingest;

import dev.litemem.Collection;
import dev.litemem.Embedder;
import dev.litemem.Filter;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.Record;
import dev.litemem.internal.Sha256;
import dev.litemem.internal.ingest.Chunk;
import dev.litemem.internal.ingest.Chunker;
import dev.litemem.internal.ingest.DocumentStore;
import dev.litemem.internal.ingest.FileParser;
import dev.litemem.internal.ingest.FileWalker;
import dev.litemem.internal.ingest.MarkdownExtractor;
import dev.litemem.internal.ingest.Parsed;
import dev.litemem.internal.ingest.PendingFile;
import dev.litemem.internal.ingest.SourceFile;
import dev.litemem.internal.ingest.StoreWriter;
import dev.litemem.internal.store.DocumentTable;
import dev.litemem.internal.store.EmbeddingCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
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
 * committed stays. Build one Ingester per run.
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
    private final IngestLimits limits;
    private final boolean cacheEmbeddings;
    private final dev.litemem.Actor actor;
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
        this.limits = b.limits;
        this.cacheEmbeddings = b.cacheEmbeddings;
        this.actor = b.actor;
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
        return mem.withReadHandle(h -> DocumentTable.findCollectionId(h, collection)
                .map(id -> DocumentTable.list(h, id)).orElse(List.of()));
    }

    /**
     * The texts ingest embeds for a plain-text document: its chunks under {@code chunking}, each headed by the title
     * (as ingest makes a chunk's vector from its title and heading path, then its text). For measuring chunk sizes
     * on test sets without writing files ({@code litemem eval --chunk}).
     */
    public static List<String> chunkPlainText(String title, String text, ChunkingOptions chunking, Embedder embedder) {
        Chunker chunker = new Chunker(chunking, embedder::countTokens, embedder.maxTokens());
        List<String> texts = new ArrayList<>();
        for (Chunk chunk : chunker.chunk(MarkdownExtractor.plainText(text, title))) {
            texts.add(chunk.embedText());
        }
        return texts;
    }

    /**
     * Ingests the files and folders.
     *
     * @throws LiteMemException if a root does not exist (nothing is ingested), the store has no embedder, or the
     *                          store fails; unreadable files are reported in the summary instead
     */
    public IngestSummary run(List<Path> roots) {
        long started = System.nanoTime();
        Embedder embedder = embedder();
        List<IngestSummary.FileError> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<SourceFile> files = walker.walk(roots, (path, message) -> fail(errors, path, message));
        Collection collection = collection(embedder);
        long collectionId = mem.withReadHandle(h -> DocumentTable.collectionId(h, collectionName));
        Map<String, DocumentTable.Stored> stored = mem.withReadHandle(h -> DocumentTable.fingerprints(h, collectionId));
        String fingerprint = chunking.fingerprint(embedder.modelId());
        Chunker chunker = new Chunker(chunking, embedder::countTokens, embedder.maxTokens());
        listener.started(files.size());

        Run run = new Run(started, files.size(), errors);
        ExecutorService readers = Executors.newFixedThreadPool(readerThreads, daemon("litemem-ingest-reader"));
        StoreWriter writer = new StoreWriter(mem, collection, collectionId, fingerprint, embedder.modelId(),
                run::stored);
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

    /**
     * Puts one document that is not a file on disk (an upload, a request body) into the collection the way
     * {@link #run(List)} puts a file: extracted by its file name's type (Markdown, text, HTML, PDF), chunked with
     * this ingester's settings and the embedder's tokenizer, each chunk embedded through the store's embedding cache
     * (text the model embedded before costs no inference), then in one transaction its previous chunks replaced by
     * the new ones (ids {@code SOURCE#N}) and its row in the documents table ({@link #documents}) written. May be
     * called many times, from several threads.
     *
     * @param source   the document's name as recorded: its records' source, its path in the documents table
     * @param fileName decides the format by its extension (.md, .txt, .html, .pdf; anything else is plain text)
     * @param metadata added to every chunk's metadata (the chunk's own keys, such as {@code path}, win)
     * @throws DocumentTooLargeException if it passes one of this ingester's {@link Builder#limits(IngestLimits) limits}
     *                                   (found before anything is embedded or written)
     * @throws dev.litemem.InvalidInputException if it cannot be read as that format, or holds no text
     */
    public IngestedDocument ingestDocument(String source, String fileName, byte[] content, Map<String, Object> metadata) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(content, "content");
        Embedder embedder = embedder();
        // Extracted, chunked and counted first: a document refused for its limits (or its format) creates nothing.
        DocumentStore.Chunked doc = DocumentStore.chunk(fileName == null ? source : fileName, content, chunking, embedder,
                limits);
        // A collection of another model is refused before anything is embedded; a new one is created only in the
        // transaction that writes the chunks, so embedding holds no lock even inside Work.onceDeferred.
        mem.findCollection(collectionName).ifPresent(c -> checkModel(c, embedder));
        EmbeddingCache.Result embedded = EmbeddingCache.embed(embedder, doc.embedTexts(), cacheLookup(embedder));
        List<Record> records = DocumentStore.records(source, source, doc.title(), doc.chunks(),
                embedded.vectors().toArray(new float[0][]), metadata == null ? Map.of() : metadata);
        byte[] sha256 = Sha256.of(content);
        Instant now = Instant.now();
        Document row = new Document(source, doc.title(), content.length, now, HexFormat.of().formatHex(sha256),
                doc.chunks().size(), now);
        String fingerprint = chunking.fingerprint(embedder.modelId());
        long seq = mem.inTransaction(h -> DocumentStore.replace(h, collection(embedder),
                DocumentTable.collectionId(h, collectionName), records, embedder.modelId(), embedded.computed(), row,
                sha256, fingerprint));
        return new IngestedDocument(row, seq, embedded.computed().size(), embedded.truncated());
    }

    private Embedder embedder() {
        return mem.embedder().orElseThrow(() -> new LiteMemException("this store has no embedder to ingest"
                + " with: add litemem-embedding to the class path or open the store with LiteMemOptions.builder().embedder(...)"));
    }

    /** The collection, created with the store's embedder if it does not exist; it must hold that embedder's vectors. */
    private Collection collection(Embedder embedder) {
        Collection stored = mem.collection(collectionName);
        Collection collection = actor == null ? stored : stored.as(actor);
        checkModel(collection, embedder);
        return collection;
    }

    private void checkModel(Collection collection, Embedder embedder) {
        if (!collection.info().spec().model().equals(embedder.modelId())) {
            throw new LiteMemException("collection '" + collectionName + "' holds vectors of the model "
                    + collection.info().spec().model() + ", but this store embeds with " + embedder.modelId()
                    + ": ingest into another collection (--collection)");
        }
    }

    private EmbeddingCache.Lookup cacheLookup(Embedder embedder) {
        return hashes -> mem.withReadHandle(h -> EmbeddingCache.lookup(h, embedder, hashes));
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

        void stored(List<PendingFile> group) {
            synchronized (this) {
                for (PendingFile p : group) {
                    if (p.ready.isNew()) {
                        added++;
                    } else {
                        changed++;
                    }
                    done++;
                    chunks += p.vectors.length;
                }
            }
            report();
        }

        void report() {
            IngestProgress p;
            synchronized (this) {
                p = new IngestProgress(done, total, chunks, System.nanoTime() - started);
            }
            listener.progress(p);
        }
    }

    private void embedAll(List<SourceFile> files, ExecutorService readers, Map<String, DocumentTable.Stored> stored,
                          String fingerprint, Chunker chunker, Embedder embedder, StoreWriter writer, Run run,
                          Collection collection) {
        int window = Math.max(8, readerThreads * 4);
        Deque<Future<Parsed>> inFlight = new ArrayDeque<>();
        int next = 0;
        Deque<PendingFile> waiting = new ArrayDeque<>();
        List<Object[]> queued = new ArrayList<>();
        while (!cancelled && writer.failure == null) {
            while (next < files.size() && inFlight.size() < window) {
                SourceFile f = files.get(next++);
                inFlight.add(readers.submit(() -> FileParser.parse(f, stored.get(f.source()), fingerprint, chunker, collection, limits)));
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
                    PendingFile p = new PendingFile((Parsed.Ready) parsed);
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
                    texts.add(((PendingFile) slot[0]).ready.chunks().get((Integer) slot[1]).embedText());
                }
                // With cacheEmbeddings, through the embedding cache: chunks whose text the model embedded before (a
                // moved or re-added file, a section copied from another) cost no inference.
                EmbeddingCache.Result embedded = EmbeddingCache.embed(embedder, texts,
                        cacheEmbeddings ? cacheLookup(embedder) : hashes -> Map.of());
                synchronized (run) {
                    run.truncated += embedded.truncated();
                }
                for (int i = 0; i < batch.size(); i++) {
                    PendingFile p = (PendingFile) batch.get(i)[0];
                    p.vectors[(Integer) batch.get(i)[1]] = embedded.vectors().get(i);
                    float[] computed = embedded.computed().get(embedded.hashes().get(i));
                    if (computed != null && cacheEmbeddings) {
                        p.computed.put(embedded.hashes().get(i), computed);
                    }
                    p.missing--;
                }
            }
            List<PendingFile> complete = new ArrayList<>();
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
        private IngestLimits limits = IngestLimits.defaults();
        private boolean cacheEmbeddings;
        private dev.litemem.Actor actor;

        /** Who the ingested records' changes are recorded as (default: the store's default actor). */
        public Builder actor(dev.litemem.Actor actor) {
            this.actor = actor;
            return this;
        }

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

        /** What one file may cost (text, PDF pages, chunks); a file past a limit is reported and skipped. */
        public Builder limits(IngestLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public Builder listener(IngestListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Whether {@link Ingester#run(List)} embeds files' chunks through the store's embedding cache (default false).
         * With it, a chunk whose text the model embedded before (a moved or re-added file) costs no inference, but
         * every chunk also leaves a cache row: about 4.6 KB per chunk at 384 dimensions (the file of the sample
         * handbook grows by 84%). Without it, an unchanged file is skipped and an edited one re-embeds only the
         * chunks it changed anyway. {@link Ingester#ingestDocument} always uses the cache.
         */
        public Builder cacheEmbeddings(boolean cacheEmbeddings) {
            this.cacheEmbeddings = cacheEmbeddings;
            return this;
        }

        public Ingester build() {
            return new Ingester(this);
        }
    }
}
