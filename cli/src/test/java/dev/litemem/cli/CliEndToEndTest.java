package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litemem.testing.TempStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CLI as a user runs it: child processes, real files, exit codes, stdout and stderr. */
class CliEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Path.of("..", "samples", "acme-handbook").toAbsolutePath().normalize();

    @RegisterExtension
    final TempStores stores = new TempStores();

    private Path copySamples() throws IOException {
        Path target = stores.path("handbook");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(SAMPLES)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName().toString()));
            }
        }
        return target;
    }

    private static JsonNode json(String line) throws IOException {
        return JSON.readTree(line);
    }

    @Test
    void addSetsTheCollectionsLedgerPolicy() throws Exception {
        Cli.Result added = Cli.run(stores.dir(), "add", "invoice approved", "--db", "l.db", "-c", "invoices",
                "--ledger", "all", "--id", "inv-1");
        assertEquals(0, added.exit(), added.toString());
        Cli.Result bad = Cli.run(stores.dir(), "add", "x", "--db", "l.db", "--ledger", "some");
        assertEquals(Main.EXIT_USAGE, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("\"none\" or \"all\""), bad.err());
        try (dev.litemem.LiteMem mem = dev.litemem.LiteMem.open(stores.dir().resolve("l.db"),
                dev.litemem.LiteMemOptions.builder().useBundledEmbedder(false).build())) {
            assertEquals(dev.litemem.LedgerPolicy.ALL, mem.collection("invoices").ledgerPolicy());
            assertEquals("inv-1", mem.ledger().outbox(0, 10).get(0).recordId());
        }
    }

    @Test
    void ingestQueryThenReingestWithOneFileChangedAndOneDeleted() throws Exception {
        copySamples();
        Cli.Result first = Cli.run(stores.dir(), "ingest", "handbook", "--db", "notes.db", "--json");
        assertEquals(0, first.exit(), first.toString());
        JsonNode s1 = json(first.lastLine());
        assertEquals(12, s1.get("files_added").asInt());
        assertEquals(0, s1.get("files_unchanged").asInt());
        assertEquals(0, s1.get("errors").asInt());
        assertEquals(0, s1.get("truncated").asInt());
        int chunks = s1.get("chunks").asInt();
        assertTrue(chunks >= 24, "chunks: " + chunks);
        assertTrue(first.err().contains("ingest: 12 files to look at"), first.err());

        Cli.Result hits = Cli.run(stores.dir(), "query", "PostgreSQL full base backup every night", "--db", "notes.db",
                "--k", "3", "--json");
        assertEquals(0, hits.exit(), hits.toString());
        assertEquals(3, hits.lines().size());
        List<String> sources = new ArrayList<>();
        for (String line : hits.lines()) {
            JsonNode hit = json(line);
            for (String field : List.of("id", "score", "text", "source", "metadata")) {
                assertTrue(hit.has(field), field + " in " + line);
            }
            assertTrue(hit.get("metadata").has("heading") && hit.get("metadata").has("title")
                    && hit.get("metadata").has("path"), line);
            sources.add(hit.get("source").asText());
        }
        assertTrue(sources.contains("handbook/backup-restore.md"), sources.toString());

        Cli.Result table = Cli.run(stores.dir(), "query", "rotate the service keys", "--db", "notes.db", "--k", "2");
        assertEquals(0, table.exit(), table.toString());
        assertTrue(table.out().contains("1. "), table.out());
        assertTrue(table.out().contains("§ Rotating the API keys"), table.out());
        assertTrue(table.out().matches("(?s).*\\*\\*(?i:keys?|rotat\\w*|service)\\*\\*.*"), table.out());

        Files.writeString(stores.path("handbook/glossary.txt"), "GLOSSARY\n========\n\nZephyr: the codename of 4.0.\n");
        Files.delete(stores.path("handbook/onboarding.md"));
        Cli.Result second = Cli.run(stores.dir(), "ingest", "handbook", "--db", "notes.db", "--prune", "--json");
        assertEquals(0, second.exit(), second.toString());
        JsonNode s2 = json(second.lastLine());
        assertEquals(0, s2.get("files_added").asInt());
        assertEquals(1, s2.get("files_changed").asInt());
        assertEquals(10, s2.get("files_unchanged").asInt());
        assertEquals(1, s2.get("files_removed").asInt());
        assertEquals(1, s2.get("chunks").asInt());

        Cli.Result gone = Cli.run(stores.dir(), "list", "--db", "notes.db", "--where", "{\"@source\": \"handbook/onboarding.md\"}", "--json");
        assertEquals(0, gone.exit(), gone.toString());
        assertTrue(gone.out().isBlank(), gone.out());
        Cli.Result zephyr = Cli.run(stores.dir(), "query", "Zephyr codename", "--db", "notes.db", "--k", "1", "--json");
        assertEquals("handbook/glossary.txt", json(zephyr.lastLine()).get("source").asText(), zephyr.toString());
        Cli.Result keyword = Cli.run(stores.dir(), "query", "zephyr", "--db", "notes.db", "--mode", "keyword", "--json");
        assertEquals(1, keyword.lines().size(), keyword.toString());
        assertEquals("handbook/glossary.txt", json(keyword.lastLine()).get("source").asText(), keyword.toString());

        Cli.Result third = Cli.run(stores.dir(), "ingest", "handbook", "--db", "notes.db", "--prune", "--json");
        JsonNode s3 = json(third.lastLine());
        assertEquals(11, s3.get("files_unchanged").asInt());
        assertEquals(0, s3.get("chunks").asInt() + s3.get("files_removed").asInt() + s3.get("files_changed").asInt());
    }

    @Test
    void badArgumentsExitWithTwoAndAMessage() throws Exception {
        for (String[] args : List.of(new String[] {"ingest", "--db", "x.db"},
                new String[] {"query", "text", "--db", "x.db", "--mode", "fuzzy"},
                new String[] {"frobnicate"})) {
            Cli.Result r = Cli.run(stores.dir(), args);
            assertEquals(2, r.exit(), String.join(" ", args) + "\n" + r);
            assertFalse(r.err().isBlank(), String.join(" ", args));
            assertTrue(r.out().isBlank(), String.join(" ", args) + "\n" + r);
        }
        assertFalse(Files.exists(stores.path("x.db")));
    }

    @Test
    void aMissingPathIsAnErrorAndCreatesNoFile() throws Exception {
        Cli.Result r = Cli.run(stores.dir(), "ingest", "no-such-folder", "--db", "x.db");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("no-such-folder does not exist"), r.err());
        assertFalse(Files.exists(stores.path("x.db")));
        Cli.Result q = Cli.run(stores.dir(), "query", "anything", "--db", "x.db");
        assertEquals(1, q.exit(), q.toString());
    }

    @Test
    void htmlAndPdfAreIndexedAndUnreadableFilesAreSkipped() throws Exception {
        Path mixed = Files.createDirectories(stores.path("mixed"));
        Files.copy(SAMPLES.resolve("contacts-and-escalation.html"), mixed.resolve("contacts.html"));
        Files.write(mixed.resolve("report.pdf"), pdf("Harvest report", "The kiwi harvest doubled in the northern orchards."));
        Files.write(mixed.resolve("broken.pdf"), "%PDF-1.7 truncated".getBytes());
        Files.write(mixed.resolve("binary.txt"), new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1, 2, 3});
        Path locked = mixed.resolve("locked.md");
        Files.writeString(locked, "# Locked\n\nNobody may read this.\n");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        int expectedErrors = Files.isReadable(locked) ? 2 : 3;   // root reads any file

        Cli.Result r = Cli.run(stores.dir(), "ingest", "mixed", "--db", "m.db", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode s = json(r.lastLine());
        assertEquals(expectedErrors, s.get("errors").asInt(), r.toString());
        assertEquals(5 - expectedErrors, s.get("files_added").asInt(), r.toString());
        assertTrue(r.err().contains("skipped mixed/broken.pdf"), r.err());
        assertTrue(r.err().contains("skipped mixed/binary.txt"), r.err());

        Cli.Result kiwi = Cli.run(stores.dir(), "query", "kiwi harvest orchards", "--db", "m.db", "--k", "1", "--json");
        JsonNode hit = json(kiwi.lastLine());
        assertEquals("mixed/report.pdf", hit.get("source").asText(), kiwi.toString());
        assertEquals(1, hit.get("metadata").get("page").asInt());
        assertEquals("Harvest report", hit.get("metadata").get("title").asText());

        Cli.Result phone = Cli.run(stores.dir(), "query", "engineering manager phone", "--db", "m.db", "--k", "1", "--json");
        assertEquals("mixed/contacts.html", json(phone.lastLine()).get("source").asText(), phone.toString());
        Cli.Result all = Cli.run(stores.dir(), "export", "--db", "m.db", "--json");
        assertEquals(0, all.exit(), all.toString());
        assertTrue(all.out().contains("+49 30 5550 1234"));
        assertFalse(all.out().contains("tangerine-stylesheet-only"));
        assertFalse(all.out().contains("pomegranate-script-only"));
    }

    @Test
    void exportMakesAConsistentCopyOrJsonLines() throws Exception {
        copySamples();
        assertEquals(0, Cli.run(stores.dir(), "ingest", "handbook", "--db", "notes.db").exit());
        Cli.Result copy = Cli.run(stores.dir(), "export", "--db", "notes.db", "--out", "copy.db");
        assertEquals(0, copy.exit(), copy.toString());
        Cli.Result original = Cli.run(stores.dir(), "stats", "--db", "notes.db", "--json");
        Cli.Result copied = Cli.run(stores.dir(), "stats", "--db", "copy.db", "--json");
        assertEquals(json(original.out()).get("collections"), json(copied.out()).get("collections"));

        Cli.Result again = Cli.run(stores.dir(), "export", "--db", "notes.db", "--out", "copy.db");
        assertEquals(1, again.exit(), again.toString());
        assertTrue(again.err().contains("already exists"), again.err());

        Cli.Result lines = Cli.run(stores.dir(), "export", "--db", "notes.db", "--json");
        assertEquals(0, lines.exit(), lines.toString());
        long records = json(original.out()).get("collections").get(0).get("records").asLong();
        assertEquals(records, lines.lines().size());
        JsonNode first = json(lines.lines().get(0));
        assertEquals("docs", first.get("collection").asText());
        assertTrue(first.has("id") && first.has("text") && first.has("metadata") && first.has("source"));
    }

    /** README's main job, with the bundled ONNX model as a user runs it. */
    @Test
    void demoIngestsTheSamplesWithTheBundledModelAndAnswers() throws Exception {
        Cli.Result r = Cli.runWithBundledModel(stores.dir(), "demo", "--db", "demo.db", "--samples", SAMPLES.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("12 files added"), r.out());
        assertTrue(r.out().contains("model all-minilm-l6-v2"), r.out());
        assertTrue(r.out().contains("Q: How do I rotate the API keys?"), r.out());
        assertTrue(r.out().contains("1. ") && r.out().substring(r.out().indexOf("1. ")).split("\\R")[0]
                .contains("api-key-rotation.md"), r.out());
        Cli.Result hits = Cli.runWithBundledModel(stores.dir(), "query", "When are the nightly database backups taken?",
                "--db", "demo.db", "--k", "3", "--mode", "semantic", "--json");
        assertEquals(0, hits.exit(), hits.toString());
        assertEquals(SAMPLES + "/backup-restore.md", json(hits.lines().get(0)).get("source").asText(), hits.toString());
        Cli.Result again = Cli.runWithBundledModel(stores.dir(), "demo", "--db", "demo.db", "--samples", SAMPLES.toString());
        assertTrue(again.out().contains("0 files added, 0 changed, 12 unchanged"), again.out());
    }

    static byte[] pdf(String title, String... pages) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            doc.getDocumentInformation().setTitle(title);
            for (String text : pages) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
                    s.beginText();
                    s.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    s.newLineAtOffset(72, 700);
                    s.showText(text);
                    s.endText();
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }
}
