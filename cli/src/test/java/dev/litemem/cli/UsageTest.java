package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Usage errors and help, in process (the end-to-end test covers a few of them in a child process). */
class UsageTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    private record Run(int exit, String out, String err) {
    }

    private static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void badOptionValuesExitWithTwo() throws Exception {
        Path notes = Files.createDirectories(stores.path("notes"));
        Files.writeString(notes.resolve("a.md"), "# A\n\nSome text.\n");
        String db = stores.path("x.db").toString();
        for (String[] args : List.of(
                new String[] {"ingest", notes.toString(), "--db", db, "--chunk-tokens", "4"},
                new String[] {"ingest", notes.toString(), "--db", db, "--overlap-tokens", "150"},
                new String[] {"ingest", notes.toString(), "--db", db, "--batch", "many"},
                new String[] {"ingest", notes.toString(), "--db", db, "--batch", "0"},
                new String[] {"ingest", notes.toString()},
                new String[] {"query", "--db", db},
                new String[] {"query", "text", "--db", db, "--k", "lots"},
                new String[] {"export", "--db", db})) {
            Run r = run(args);
            assertEquals(2, r.exit(), String.join(" ", args) + "\n" + r);
            assertFalse(r.err().isBlank(), String.join(" ", args));
        }
        assertFalse(Files.exists(stores.path("x.db")), "a usage error creates no file");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String command : List.of("ingest", "query", "export", "demo")) {
            Run r = run(command, "--help");
            assertEquals(0, r.exit(), command);
            assertTrue(r.out().contains("Usage: litemem " + command), r.out());
        }
        assertTrue(run("ingest", "--help").out().contains("--prune"));
        assertTrue(run("query", "--help").out().contains("--mode"));
    }
}
