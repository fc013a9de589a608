package dev.litemem.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.internal.ingest.Block;
import dev.litemem.internal.ingest.Chunker;
import dev.litemem.internal.ingest.Extracted;
import dev.litemem.internal.ingest.ExtractorsTest;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A document past its limits costs no embedding: the chunks are counted before the first is embedded, extraction stops
 * at the text or page limit, and the command line's ingest reports such a file and goes on.
 */
class IngestLimitsTest {
    @RegisterExtension
    final TempStores stores = new TempStores();
    final WordHashEmbedder embedder = new WordHashEmbedder(64, 128);

    /** Markdown of {@code sections} sections, each one chunk or more. */
    private static byte[] sections(int sections) {
        StringBuilder md = new StringBuilder();
        for (int i = 0; i < sections; i++) {
            md.append("# Section ").append(i).append("\n\nThe kiwi harvest of plot ").append(i).append(" was counted.\n\n");
        }
        return md.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void chunksAreCountedBeforeAnythingIsEmbedded() {
        IngestLimits limits = new IngestLimits(1 << 20, 10, 50);
        DocumentTooLargeException e = assertThrows(DocumentTooLargeException.class, () -> DocumentChunks.records("big.md",
                "big.md", sections(5_000), Map.of(), embedder, ChunkingOptions.defaults(), limits));
        assertEquals("text", e.field());
        assertTrue(e.getMessage().contains("more than 50 chunks"), e.getMessage());
        assertEquals(0, embedder.embeddedTexts(), "nothing was embedded");

        List<Record> fits = DocumentChunks.records("small.md", "small.md", sections(50), Map.of(), embedder,
                ChunkingOptions.defaults(), limits);
        assertEquals(50, fits.size());
        assertEquals(50, embedder.embeddedTexts());
    }

    @Test
    void chunkingStopsAtTheLimitInsteadOfChunkingTheWholeDocument() {
        AtomicLong counted = new AtomicLong();
        Chunker chunker = new Chunker(ChunkingOptions.defaults(), text -> {
            counted.addAndGet(text.length());
            return embedder.countTokens(text);
        }, 128);
        Extracted doc = new Extracted("t", java.util.stream.IntStream.range(0, 20_000)
                .mapToObj(i -> new Block(List.of("Section " + i), "The kiwi harvest of plot " + i + " was counted.", null))
                .toList());
        assertThrows(DocumentTooLargeException.class, () -> chunker.chunk(doc, new IngestLimits(1 << 30, 10, 100)));
        long tokenizedAtLimit = counted.getAndSet(0);
        chunker.chunk(doc);
        assertTrue(tokenizedAtLimit * 20 < counted.get(), "tokenized " + tokenizedAtLimit + " of " + counted.get() + " chars");
    }

    @Test
    void extractedTextIsBoundedForEveryFormat() throws Exception {
        IngestLimits limits = new IngestLimits(1_000, 10, 1_000);
        String text = "word ".repeat(300);
        for (String name : new String[] {"a.md", "a.txt", "a.html"}) {
            byte[] content = (name.endsWith(".html") ? "<html><body><p>" + text + "</p></body></html>" : text)
                    .getBytes(StandardCharsets.UTF_8);
            DocumentTooLargeException e = assertThrows(DocumentTooLargeException.class, () -> DocumentChunks.records(name,
                    name, content, Map.of(), embedder, ChunkingOptions.defaults(), limits), name);
            assertEquals("text", e.field());
        }
        byte[] pdf = ExtractorsTest.pdf("Report", text.substring(0, 800), text.substring(0, 800));
        assertEquals("text", assertThrows(DocumentTooLargeException.class, () -> DocumentChunks.records("r.pdf", "r.pdf",
                pdf, Map.of(), embedder, ChunkingOptions.defaults(), limits)).field());
        assertEquals(0, embedder.embeddedTexts());
    }

    @Test
    void pdfPagesAreBoundedBeforeTheirTextIsRead() throws Exception {
        byte[] pdf = ExtractorsTest.pdf("Report", "one", "two", "three");
        DocumentTooLargeException e = assertThrows(DocumentTooLargeException.class, () -> DocumentChunks.records("r.pdf",
                "r.pdf", pdf, Map.of(), embedder, ChunkingOptions.defaults(), new IngestLimits(1 << 20, 2, 100)));
        assertEquals("file", e.field());
        assertTrue(e.getMessage().contains("3 pages"), e.getMessage());
        assertEquals(1, DocumentChunks.records("r.pdf", "r.pdf", pdf, Map.of(), embedder, ChunkingOptions.defaults(),
                new IngestLimits(1 << 20, 3, 100)).size(), "three short pages, one chunk");
    }

    @Test
    void theCommandLineIngestReportsAFileOverTheLimitAndIngestsTheRest() throws Exception {
        Path root = stores.path("docs");
        Files.createDirectories(root);
        Files.write(root.resolve("big.md"), sections(200));
        Files.write(root.resolve("small.md"), sections(3));
        try (LiteMem mem = stores.open(stores.path("store.db"),
                LiteMemOptions.builder().embedder(embedder).useBundledEmbedder(false).build())) {
            IngestSummary s = Ingester.builder(mem).limits(new IngestLimits(1 << 20, 10, 100)).build().run(List.of(root));
            assertEquals(1, s.filesAdded());
            assertEquals(1, s.errors().size());
            assertTrue(s.errors().get(0).path().endsWith("big.md"), s.errors().toString());
            assertTrue(s.errors().get(0).message().contains("more than 100 chunks"), s.errors().toString());
            assertEquals(3, mem.collection("docs").count());
            assertEquals(3, embedder.embeddedTexts(), "the file over the limit was not embedded");
        }
    }
}
