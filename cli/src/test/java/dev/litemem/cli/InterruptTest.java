package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litemem.Filter;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.ingest.Document;
import dev.litemem.ingest.Ingester;
import dev.litemem.testing.TempStores;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An interrupt (Ctrl-C) stops ingest after the current batch and keeps what was stored. */
class InterruptTest {
    private static final int FILES = 200;

    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void aSignalStopsAfterTheCurrentBatchAndTheNextRunFinishesTheRest() throws Exception {
        Path notes = Files.createDirectories(stores.path("notes"));
        for (int i = 0; i < FILES; i++) {
            Files.writeString(notes.resolve(String.format("note-%03d.md", i)), "# Note " + i + "\n\nRemember item " + i + ".\n");
        }
        Process p = Cli.command(stores.dir(), "ingest", "notes", "--db", "n.db", "--batch", "2").start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        for (String line = err.readLine(); line != null && !line.contains("files to look at"); line = err.readLine()) {
            // Wait until the walk is done and the pipeline runs.
        }
        // SIGINT, what Ctrl-C sends (Process.destroy() would also close the streams this test reads).
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String rest = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(130, p.exitValue(), out + rest);
        assertTrue(out.contains("Stopped early after"), out + rest);
        assertTrue(rest.contains("stopping after the current batch"), rest);

        int kept;
        try (LiteMem mem = stores.open(stores.path("n.db"), LiteMemOptions.builder().useBundledEmbedder(false).build())) {
            List<Document> docs = Ingester.documents(mem, "docs");
            kept = docs.size();
            assertTrue(kept < FILES, "kept " + kept);
            for (Document d : docs) {
                assertEquals(d.chunks(), mem.collection("docs").count(Filter.eq(Filter.SOURCE, d.path())), d.path());
            }
            assertEquals(kept, mem.collection("docs").count(), "one chunk per note, none without its document");
        }

        Cli.Result again = Cli.run(stores.dir(), "ingest", "notes", "--db", "n.db", "--json");
        assertEquals(0, again.exit(), again.toString());
        JsonNode s = new ObjectMapper().readTree(again.lastLine());
        assertEquals(kept, s.get("files_unchanged").asInt());
        assertEquals(FILES - kept, s.get("files_added").asInt());
    }
}
