package dev.litemem.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Collection;
import dev.litemem.Filter;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.internal.ingest.ExtractorsTest;
import dev.litemem.internal.ingest.FileWalker;
import dev.litemem.internal.ingest.SourceFile;
import dev.litemem.internal.ingest.StoreWriter;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IngesterTest {
    @RegisterExtension
    final TempStores stores = new TempStores();
    final WordHashEmbedder embedder = new WordHashEmbedder(64, 128);

    private LiteMem open() {
        return stores.open(stores.path("store.db"),
                LiteMemOptions.builder().embedder(embedder).useBundledEmbedder(false).build());
    }

    private Path copySamples() throws IOException {
        Path target = stores.path("handbook");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(ExtractorsTest.SAMPLES)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName().toString()));
            }
        }
        return target;
    }

    /** Every document row has exactly its recorded number of chunk records, and no record lacks a document. */
    private static void assertDocumentsMatchChunks(LiteMem mem) {
        Collection docs = mem.collection("docs");
        long total = 0;
        for (Document d : Ingester.documents(mem, "docs")) {
            assertEquals(d.chunks(), docs.count(Filter.eq(Filter.SOURCE, d.path())), d.path());
            total += d.chunks();
        }
        assertEquals(total, docs.count());
    }

    @Test
    void ingestSkipsUnchangedReplacesChangedAndPrunesRemovedFiles() throws IOException {
        Path root = copySamples();
        try (LiteMem mem = open()) {
            IngestSummary first = Ingester.builder(mem).build().run(List.of(root));
            assertEquals(12, first.filesAdded());
            assertEquals(0, first.errors().size());
            assertTrue(first.chunks() >= 12);
            assertEquals(first.chunks(), mem.collection("docs").count());
            assertDocumentsMatchChunks(mem);
            int embeddedAfterFirst = embedder.embeddedTexts();

            Record chunk = mem.collection("docs").get(StoreWriter.recordId(root.toString() + "/api-key-rotation.md", 0)).orElseThrow();
            assertEquals("api-key-rotation.md", chunk.metadata().get("path"));
            assertEquals("Rotating the API keys", chunk.metadata().get("title"));
            assertEquals(List.of("Rotating the API keys"), chunk.metadata().get("headings"));
            assertEquals(0, chunk.chunk());

            IngestSummary second = Ingester.builder(mem).build().run(List.of(root));
            assertEquals(12, second.filesUnchanged());
            assertEquals(0, second.filesAdded() + second.filesChanged() + second.filesRemoved());
            assertEquals(0, second.chunks());
            assertEquals(embeddedAfterFirst, embedder.embeddedTexts(), "unchanged files are not embedded again");

            Files.writeString(root.resolve("glossary.txt"), "GLOSSARY\n========\n\nZephyr: the new codename.\n");
            Files.delete(root.resolve("onboarding.md"));
            IngestSummary third = Ingester.builder(mem).prune(true).build().run(List.of(root));
            assertEquals(1, third.filesChanged());
            assertEquals(1, third.filesRemoved());
            assertEquals(10, third.filesUnchanged());
            assertEquals(1, third.chunks());
            String glossary = root + "/glossary.txt";
            List<Record> glossaryChunks = mem.collection("docs").list(Filter.eq(Filter.SOURCE, glossary), null, 100).items();
            assertEquals(1, glossaryChunks.size());
            assertEquals("Zephyr: the new codename.", glossaryChunks.get(0).text());
            assertEquals(0, mem.collection("docs").count(Filter.eq(Filter.SOURCE, root + "/onboarding.md")));
            assertEquals(11, Ingester.documents(mem, "docs").size());
            assertDocumentsMatchChunks(mem);
        }
    }

    @Test
    void anEditReembedsOnlyTheChunksItChanged() throws IOException {
        Path root = copySamples();
        try (LiteMem mem = open()) {
            Ingester.builder(mem).build().run(List.of(root));
            Path file = root.resolve("api-key-rotation.md");
            String source = root + "/api-key-rotation.md";
            long chunks = mem.collection("docs").count(Filter.eq(Filter.SOURCE, source));
            assertTrue(chunks >= 4, "chunks: " + chunks);
            Files.writeString(file, Files.readString(file).replace("Never\npaste a key into chat", "Never\npaste a key into email"));
            int before = embedder.embeddedTexts();
            IngestSummary edit = Ingester.builder(mem).build().run(List.of(root));
            assertEquals(1, edit.filesChanged());
            assertEquals(chunks, edit.chunks());
            assertEquals(1, embedder.embeddedTexts() - before, "only the edited chunk is embedded again");
            assertTrue(mem.collection("docs").list(Filter.eq(Filter.SOURCE, source), null, 100).items().stream()
                    .anyMatch(r -> r.text().contains("paste a key into email")));
            assertDocumentsMatchChunks(mem);
        }
    }

    @Test
    void withoutPruneDocumentsOfDeletedFilesStay() throws IOException {
        Path root = copySamples();
        try (LiteMem mem = open()) {
            Ingester.builder(mem).build().run(List.of(root));
            Files.delete(root.resolve("onboarding.md"));
            IngestSummary again = Ingester.builder(mem).build().run(List.of(root));
            assertEquals(0, again.filesRemoved());
            assertEquals(12, Ingester.documents(mem, "docs").size());
        }
    }

    @Test
    void changedChunkingSettingsRechunkUnchangedFiles() throws IOException {
        Path root = copySamples();
        try (LiteMem mem = open()) {
            long before = Ingester.builder(mem).chunking(new ChunkingOptions(120, 20)).build().run(List.of(root)).chunks();
            IngestSummary smaller = Ingester.builder(mem).chunking(new ChunkingOptions(40, 8)).build().run(List.of(root));
            assertEquals(12, smaller.filesChanged());
            assertTrue(smaller.chunks() > before, smaller.chunks() + " chunks of 40 tokens vs " + before + " of 120");
            assertDocumentsMatchChunks(mem);
        }
    }

    @Test
    void unreadableFilesAreReportedAndSkipped() throws IOException {
        Path root = stores.path("mixed");
        Files.createDirectories(root);
        Files.writeString(root.resolve("good.md"), "# Good\n\nThis one is fine.\n");
        Files.write(root.resolve("broken.pdf"), "%PDF-1.7 this is not a PDF".getBytes());
        Files.write(root.resolve("binary.txt"), new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1, 2});
        Files.write(root.resolve("report.pdf"), ExtractorsTest.pdf("Report", "The kiwi harvest doubled."));
        try (LiteMem mem = open()) {
            IngestSummary s = Ingester.builder(mem).build().run(List.of(root));
            assertEquals(2, s.filesAdded());
            assertEquals(2, s.errors().size());
            assertEquals(List.of(root + "/binary.txt", root + "/broken.pdf"),
                    s.errors().stream().map(IngestSummary.FileError::path).sorted().toList());
            Record pdfChunk = mem.collection("docs").get(StoreWriter.recordId(root + "/report.pdf", 0)).orElseThrow();
            assertTrue(pdfChunk.text().contains("kiwi harvest"));
            assertEquals(1, pdfChunk.metadata().get("page"));
        }
    }

    @Test
    void aMissingRootFailsBeforeAnythingIsWritten() throws IOException {
        Path root = copySamples();
        try (LiteMem mem = open()) {
            LiteMemException e = assertThrows(LiteMemException.class,
                    () -> Ingester.builder(mem).build().run(List.of(root, stores.path("nope"))));
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
            assertTrue(Ingester.documents(mem, "docs").isEmpty());
        }
    }

    @Test
    void cancelStopsAfterTheCurrentBatchAndKeepsWhatWasCommitted() throws IOException {
        Path root = copySamples();
        try (LiteMem mem = open()) {
            Ingester[] self = new Ingester[1];
            self[0] = Ingester.builder(mem).batchSize(4).readerThreads(1).listener(new IngestListener() {
                @Override
                public void progress(IngestProgress p) {
                    if (p.chunks() > 0) {
                        self[0].cancel();
                    }
                }
            }).build();
            IngestSummary cancelled = self[0].run(List.of(root));
            assertTrue(cancelled.cancelled());
            assertTrue(cancelled.filesAdded() >= 1 && cancelled.filesAdded() < 12, "added " + cancelled.filesAdded());
            assertEquals(cancelled.filesAdded(), Ingester.documents(mem, "docs").size());
            assertDocumentsMatchChunks(mem);

            IngestSummary rest = Ingester.builder(mem).build().run(List.of(root));
            assertFalse(rest.cancelled());
            assertEquals(cancelled.filesAdded(), rest.filesUnchanged());
            assertEquals(12 - cancelled.filesAdded(), rest.filesAdded());
            assertDocumentsMatchChunks(mem);
        }
    }

    @Test
    void walkerHonoursGlobsHiddenFilesAndIgnoreFilesWhenAsked() throws IOException {
        Path root = stores.path("tree");
        Files.createDirectories(root.resolve("drafts"));
        Files.createDirectories(root.resolve(".obsidian"));
        Files.createDirectories(root.resolve("sub/build"));
        Files.writeString(root.resolve("a.md"), "a");
        Files.writeString(root.resolve("b.txt"), "b");
        Files.writeString(root.resolve("c.java"), "c");
        Files.writeString(root.resolve("drafts/d.md"), "d");
        Files.writeString(root.resolve(".obsidian/e.md"), "e");
        Files.writeString(root.resolve("sub/f.md"), "f");
        Files.writeString(root.resolve("sub/build/g.md"), "g");
        Files.writeString(root.resolve("sub/keep.log"), "k");
        Files.writeString(root.resolve(".gitignore"), "# comment\ndrafts/\n*.txt\n");
        Files.writeString(root.resolve("sub/.gitignore"), "build/\n");
        String r = root.toString() + "/";
        assertEquals(List.of(r + "a.md", r + "b.txt", r + "drafts/d.md", r + "sub/build/g.md", r + "sub/f.md"),
                sources(new FileWalker(List.of(), List.of(), false).walk(List.of(root), (p, m) -> { })));
        assertEquals(List.of(r + "a.md", r + "sub/f.md"),
                sources(new FileWalker(List.of(), List.of(), true).walk(List.of(root), (p, m) -> { })));
        assertEquals(List.of(r + "a.md", r + "sub/keep.log"),
                sources(new FileWalker(List.of("*.md", "**/*.log"), List.of("sub/*.md", "drafts", "build"), false)
                        .walk(List.of(root), (p, m) -> { })));
    }

    @Test
    void aFileGivenDirectlyIsTakenWhateverItsExtension() throws IOException {
        Path log = stores.path("server.log");
        Files.writeString(log, "Started on port 8081.\n");
        try (LiteMem mem = open()) {
            IngestSummary s = Ingester.builder(mem).build().run(List.of(log));
            assertEquals(1, s.filesAdded());
            Map<String, Object> metadata = mem.collection("docs").get(StoreWriter.recordId(log.toString(), 0)).orElseThrow().metadata();
            assertEquals("server.log", metadata.get("path"));
        }
    }

    @Test
    void withTheEmbeddingCacheAMovedFileCostsNoInference() throws IOException {
        Path root = copySamples();
        try (LiteMem mem = open()) {
            Ingester.builder(mem).cacheEmbeddings(true).build().run(List.of(root));
            int before = embedder.embeddedTexts();
            Files.move(root.resolve("onboarding.md"), root.resolve("welcome.md"));
            IngestSummary moved = Ingester.builder(mem).cacheEmbeddings(true).prune(true).build().run(List.of(root));
            assertEquals(1, moved.filesAdded());
            assertEquals(1, moved.filesRemoved());
            assertEquals(before, embedder.embeddedTexts(), "its chunks' vectors come from the embedding cache");
            assertDocumentsMatchChunks(mem);

            long cacheRows = cacheRows(mem);
            assertTrue(cacheRows >= moved.chunks(), "cache rows: " + cacheRows);
            Files.move(root.resolve("welcome.md"), root.resolve("start.md"));
            Ingester.builder(mem).prune(true).build().run(List.of(root));
            assertTrue(embedder.embeddedTexts() > before, "without the cache a moved file is embedded again");
            assertEquals(cacheRows, cacheRows(mem), "and its vectors do not enter the cache");
        }
    }

    @Test
    void aDocumentIsReplacedAsAFileIsWithItsRowAndTheEmbeddingCache() throws IOException {
        byte[] longer = Files.readAllBytes(ExtractorsTest.SAMPLES.resolve("api-key-rotation.md"));
        byte[] shorter = "# Rotating the API keys\n\nRotate every key each quarter.\n".getBytes(StandardCharsets.UTF_8);
        try (LiteMem mem = open()) {
            Ingester ingester = Ingester.builder(mem).build();
            IngestedDocument first = ingester.ingestDocument("uploads/keys.md", "keys.md", longer, Map.of("team", "ops"));
            int chunks = first.document().chunks();
            assertTrue(chunks >= 4, "chunks: " + chunks);
            assertEquals(chunks, first.embedded());
            Record chunk = mem.collection("docs").get("uploads/keys.md#0").orElseThrow();
            assertEquals("ops", chunk.metadata().get("team"));
            assertEquals("uploads/keys.md", chunk.metadata().get("path"));
            assertEquals("Rotating the API keys", chunk.metadata().get("title"));
            Document row = Ingester.documents(mem, "docs").get(0);
            assertEquals("uploads/keys.md", row.path());
            assertEquals(chunks, row.chunks());
            assertEquals(first.document().sha256(), row.sha256());
            assertDocumentsMatchChunks(mem);

            int before = embedder.embeddedTexts();
            IngestedDocument again = ingester.ingestDocument("uploads/keys.md", "keys.md", longer, Map.of("team", "sec"));
            assertEquals(0, again.embedded());
            assertEquals(before, embedder.embeddedTexts(), "unchanged text costs no inference");
            assertTrue(again.seq() > first.seq());
            assertEquals("sec", mem.collection("docs").get("uploads/keys.md#0").orElseThrow().metadata().get("team"));

            ingester.ingestDocument("uploads/keys.md", "keys.md", shorter, Map.of());
            assertEquals(1, mem.collection("docs").count(Filter.eq(Filter.SOURCE, "uploads/keys.md")),
                    "the previous chunks are gone");
            assertEquals(1, Ingester.documents(mem, "docs").get(0).chunks());
            assertDocumentsMatchChunks(mem);
        }
    }

    @Test
    void aDocumentOverTheChunkLimitIsRefusedBeforeItIsEmbedded() throws IOException {
        byte[] longer = Files.readAllBytes(ExtractorsTest.SAMPLES.resolve("api-key-rotation.md"));
        try (LiteMem mem = open()) {
            Ingester ingester = Ingester.builder(mem).limits(new IngestLimits(IngestLimits.DEFAULT_MAX_TEXT_CHARS,
                    IngestLimits.DEFAULT_MAX_PDF_PAGES, 2)).build();
            int calls = embedder.calls();
            DocumentTooLargeException e = assertThrows(DocumentTooLargeException.class,
                    () -> ingester.ingestDocument("keys.md", null, longer, Map.of()));
            assertTrue(e.getMessage().contains("more than 2 chunks"), e.getMessage());
            assertEquals("text", e.field());
            assertEquals(calls, embedder.calls(), "nothing was embedded");
            assertEquals(List.of(), mem.collections(), "a refused document creates no collection");
            assertEquals(0, mem.collection("docs").count());
            assertTrue(Ingester.documents(mem, "docs").isEmpty());
            assertThrows(dev.litemem.InvalidInputException.class,
                    () -> ingester.ingestDocument("empty.md", null, "   \n".getBytes(StandardCharsets.UTF_8), Map.of()));
        }
    }

    private static long cacheRows(LiteMem mem) {
        return mem.withReadHandle(h -> h.createQuery("SELECT count(*) FROM embedding_cache").mapTo(Long.class).one());
    }

    private static List<String> sources(List<SourceFile> files) {
        return files.stream().map(SourceFile::source).toList();
    }
}
