package dev.litemem.cli;

import dev.litemem.Collection;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.ingest.IngestSummary;
import dev.litemem.ingest.Ingester;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The main job on the embedded default: the sample handbook into a local file, then one question answered from it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Ingests the sample handbook into a local LiteMem file with the bundled model and answers a question.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--db", defaultValue = "litemem-demo.db", paramLabel = "FILE", description = "Default: ${DEFAULT-VALUE}.")
    Path db;

    @Option(names = "--samples", paramLabel = "DIR", description = "The sample documents (default: samples/acme-handbook"
            + " beside the launcher).")
    Path samples;

    @Option(names = "--question", defaultValue = "How do I rotate the API keys?", description = "Default: ${DEFAULT-VALUE}")
    String question;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path folder = samples != null ? samples
                : Path.of(System.getProperty("litemem.home", "."), "samples", "acme-handbook");
        if (!Files.isDirectory(folder)) {
            throw new dev.litemem.LiteMemException("the sample folder " + folder + " does not exist: pass --samples DIR");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (LiteMem mem = LiteMem.open(db, LiteMemOptions.defaults())) {
            IngestSummary s = Ingester.builder(mem).collection("docs").prune(true).build().run(List.of(folder));
            Collection docs = mem.collection("docs");
            out.printf("Ingested %s into %s: %d files added, %d changed, %d unchanged; %d chunks stored (%.1f s, model %s)%n",
                    folder, db, s.filesAdded(), s.filesChanged(), s.filesUnchanged(), s.chunks(), s.seconds(),
                    docs.info().spec().model());
            for (IngestSummary.FileError e : s.errors()) {
                spec.commandLine().getErr().println("litemem: skipped " + e.path() + ": " + e.message());
            }
            out.println();
            out.println("Q: " + question);
            QueryCommand.print(out, docs.search(question, 3), false, question, IngestCommand.isInteractive());
        }
        return Main.EXIT_OK;
    }
}
