package dev.litemem.internal.ingest;

import dev.litemem.Collection;
import dev.litemem.LiteMem;
import dev.litemem.Record;
import dev.litemem.ingest.Document;
import dev.litemem.internal.Sha256;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The writer thread: stores embedded files, one transaction per group (each file through {@link DocumentStore}), so
 * the embedding thread never waits for SQLite. The first failure stops it; later groups are dropped.
 */
public final class StoreWriter implements Runnable {
    private static final List<PendingFile> END = new ArrayList<>();
    private final BlockingQueue<List<PendingFile>> queue = new ArrayBlockingQueue<>(2);
    private final LiteMem mem;
    private final Collection collection;
    private final long collectionId;
    private final String fingerprint;
    private final String model;
    private final Consumer<List<PendingFile>> stored;
    public volatile Throwable failure;

    /**
     * @param model  the embedder's model id, for the embedding cache rows of the files' new vectors
     * @param stored told about each group after it committed
     */
    public StoreWriter(LiteMem mem, Collection collection, long collectionId, String fingerprint, String model,
                       Consumer<List<PendingFile>> stored) {
        this.mem = mem;
        this.collection = collection;
        this.collectionId = collectionId;
        this.fingerprint = fingerprint;
        this.model = model;
        this.stored = stored;
    }

    /** Queues a group, waiting while two are queued; returns at once once the writer has failed. */
    public void submit(List<PendingFile> group) {
        put(group);
    }

    /** Lets the thread end after the groups queued so far. */
    public void finish() {
        put(END);
    }

    private void put(List<PendingFile> group) {
        boolean interrupted = false;
        while (true) {
            try {
                if (failure != null && group != END) {
                    return;
                }
                if (queue.offer(group, 100, TimeUnit.MILLISECONDS)) {
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
            List<PendingFile> group;
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
                stored.accept(group);
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    private void store(List<PendingFile> group) {
        Instant now = Instant.now();
        mem.inTransaction(h -> {
            for (PendingFile p : group) {
                Parsed.Ready r = p.ready;
                String source = r.file().source();
                List<Record> records = DocumentStore.records(source, r.file().relative(), r.title(), r.chunks(),
                        p.vectors, Map.of());
                Document row = new Document(source, r.title(), r.size(), Instant.ofEpochMilli(r.modifiedMillis()), "",
                        r.chunks().size(), now);
                DocumentStore.replace(h, collection, collectionId, records, model, p.computed, row, r.sha256(),
                        fingerprint);
            }
            return null;
        });
    }

    /** The chunk's record id: its source and position, or a hash of the source when that would be too long. */
    public static String recordId(String source, int chunk) {
        String id = source + "#" + chunk;
        if (id.length() <= 512) {
            return id;
        }
        return HexFormat.of().formatHex(Sha256.of(source)) + "#" + chunk;
    }

    /** What every chunk's metadata says of where it sits: file path, title, heading path, page, tokens. */
    public static Map<String, Object> chunkMetadata(String path, String title, Chunk c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("title", title);
        m.put("headings", c.headings());
        m.put("heading", String.join(" > ", c.headings()));
        if (c.page() != null) {
            m.put("page", c.page());
        }
        m.put("tokens", c.tokens());
        return m;
    }
}
