package dev.litemem.cli;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.ingest.ChunkingOptions;
import dev.litemem.ingest.IngestListener;
import dev.litemem.ingest.IngestProgress;
import dev.litemem.ingest.IngestSummary;
import dev.litemem.ingest.Ingester;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Ingests files and folders (Markdown, plain text, HTML, PDF) as chunks, one document per file.",
                "Re-running skips unchanged files and replaces the chunks of changed ones; --prune removes documents"
                        + " whose files are gone. Ctrl-C stops after the current batch and keeps what was stored."})
final class IngestCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    LedgerOption ledger;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files and folders to ingest.")
    List<Path> paths;

    @Option(names = "--include", paramLabel = "GLOB", description = "Only files matching (path below the folder or name;"
            + " repeatable). Default: *.md *.markdown *.txt *.text *.html *.htm *.pdf.")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out matching files and folders (repeatable).")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--ignore-files", description = "Honour .gitignore and .litememignore files in the folders.")
    boolean ignoreFiles;

    @Option(names = "--prune", description = "Remove the documents under PATH whose files no longer exist.")
    boolean prune;

    @Option(names = "--chunk-tokens", paramLabel = "N", defaultValue = "" + ChunkingOptions.DEFAULT_TARGET_TOKENS,
            description = "Target chunk size in model tokens, capped at the model's limit (default: ${DEFAULT-VALUE}).")
    int chunkTokens;

    @Option(names = "--overlap-tokens", paramLabel = "N", defaultValue = "" + ChunkingOptions.DEFAULT_OVERLAP_TOKENS,
            description = "Tokens of trailing sentences repeated at the start of the next chunk (default: ${DEFAULT-VALUE}).")
    int overlapTokens;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "Chunks per embedder call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", description = "Progress on stderr as plain lines; the last line on stdout is one JSON object:"
            + " files_added, files_changed, files_unchanged, files_removed, chunks, errors, truncated, ...")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ChunkingOptions chunking;
        try {
            chunking = new ChunkingOptions(chunkTokens, overlapTokens);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (batch < 1 || batch > 4096) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch must be between 1 and 4096, was " + batch);
        }
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new LiteMemException(p + " does not exist: check the path (nothing was ingested)");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err, !json && isInteractive());
        CountDownLatch finished = new CountDownLatch(1);
        Ingester[] running = new Ingester[1];
        Thread onInterrupt = new Thread(() -> {
            Ingester ingester = running[0];
            if (ingester != null && finished.getCount() > 0) {
                ingester.cancel();
                err.println();
                err.println("litemem: stopping after the current batch (what was stored stays)...");
                err.flush();
                awaitQuietly(finished);
            }
        }, "litemem-ingest-interrupt");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try (LiteMem mem = store.open(true)) {
            ledger.apply(mem, store.collection);
            Ingester ingester = Ingester.builder(mem).collection(store.collection).chunking(chunking).include(include)
                    .exclude(exclude).useIgnoreFiles(ignoreFiles).prune(prune).batchSize(batch).listener(progress).build();
            running[0] = ingester;
            IngestSummary summary = ingester.run(paths);
            progress.finish();
            String model = mem.collection(store.collection).info().spec().model();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("db", store.db.toString());
                m.put("collection", store.collection);
                m.put("model", model);
                m.putAll(summary.toMap());
                Output.jsonLine(out, m);
            } else {
                printSummary(out, summary, model);
            }
            out.flush();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already stopping (Ctrl-C): the hook is running and has just been released.
            }
        }
        return Main.EXIT_OK;
    }

    private void printSummary(PrintWriter out, IngestSummary s, String model) {
        out.printf("%s %d files into %s (collection %s) in %.1f s%s%n", s.cancelled() ? "Stopped early after" : "Ingested",
                s.filesSeen(), store.db, store.collection, s.seconds(), s.cancelled() ? "; run again to finish" : "");
        out.printf("  files   %d added, %d changed, %d unchanged, %d removed, %d errors  (%.1f files/s)%n",
                s.filesAdded(), s.filesChanged(), s.filesUnchanged(), s.filesRemoved(), s.errors().size(), s.filesPerSecond());
        out.printf("  chunks  %d stored (%.1f chunks/s), %d truncated by the model %s%n", s.chunks(), s.chunksPerSecond(),
                s.truncated(), model);
    }

    /** Whether stdout is a person at a terminal (progress bar, marked snippets) rather than a pipe or a file. */
    static boolean isInteractive() {
        java.io.Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            // Java 22+ returns a console even when redirected; isTerminal() tells the truth there.
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A progress bar on a terminal; a plain line at most every two seconds otherwise. All output goes to stderr. */
    static final class Progress implements IngestListener {
        private final PrintWriter err;
        private final boolean bar;
        private int total;
        private long lastPrinted;
        private IngestProgress last;

        Progress(PrintWriter err, boolean bar) {
            this.err = err;
            this.bar = bar;
        }

        @Override
        public synchronized void started(int files) {
            total = files;
            if (!bar) {
                err.printf("ingest: %d files to look at%n", files);
                err.flush();
            }
        }

        @Override
        public synchronized void progress(IngestProgress p) {
            last = p;
            long now = System.nanoTime();
            if (bar && now - lastPrinted > 100_000_000L) {
                lastPrinted = now;
                drawBar(p);
            } else if (!bar && now - lastPrinted > 2_000_000_000L) {
                lastPrinted = now;
                line(p);
            }
        }

        @Override
        public synchronized void fileFailed(String path, String message) {
            if (bar) {
                err.print("\r\033[K");
            }
            err.println("litemem: skipped " + path + ": " + message);
            err.flush();
        }

        synchronized void finish() {
            if (last == null) {
                return;
            }
            if (bar) {
                drawBar(last);
                err.println();
            } else {
                line(last);
            }
            err.flush();
        }

        private void line(IngestProgress p) {
            err.printf("ingest: %d/%d files, %d chunks, %.1f chunks/s%n", p.filesDone(), p.filesTotal(), p.chunks(),
                    p.chunksPerSecond());
            err.flush();
        }

        private void drawBar(IngestProgress p) {
            err.printf("\r\033[K%s %d/%d files  %d chunks  %.1f chunks/s", ProgressBar.bar(p.filesDone(), total),
                    p.filesDone(), p.filesTotal(), p.chunks(), p.chunksPerSecond());
            err.flush();
        }
    }
}
