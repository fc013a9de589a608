package dev.litemem.cli;

import dev.litemem.Collection;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The main job on the embedded default: the sample handbook into a local file, then one question answered from it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Stores the sample handbook in a local LiteMem file with the bundled model and answers a question.")
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
    public Integer call() throws IOException {
        Path folder = samples != null ? samples
                : Path.of(System.getProperty("litemem.home", "."), "samples", "acme-handbook");
        if (!Files.isDirectory(folder)) {
            throw new dev.litemem.LiteMemException("the sample folder " + folder + " does not exist: pass --samples DIR");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (LiteMem mem = LiteMem.open(db, LiteMemOptions.defaults())) {
            Collection docs = mem.collection("docs");
            List<Record> records = new ArrayList<>();
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".md") || f.toString().endsWith(".txt")).sorted().toList()) {
                    String[] paragraphs = Files.readString(file).split("\\n\\s*\\n");
                    for (int i = 0; i < paragraphs.length; i++) {
                        if (!paragraphs[i].isBlank()) {
                            String source = folder.relativize(file).toString();
                            records.add(Record.builder().id(source + "#" + i).text(paragraphs[i].strip())
                                    .metadata(Map.of("file", source)).source(source, i).build());
                        }
                    }
                }
            }
            long started = System.nanoTime();
            docs.upsertAll(records);
            out.printf("Stored %d paragraphs of %s in %s (%.1f s, model %s)%n%n", records.size(), folder, db,
                    (System.nanoTime() - started) / 1e9, docs.info().spec().model());
            out.println("Q: " + question);
            QueryCommand.print(out, docs.search(question, 3), false);
        }
        return Main.EXIT_OK;
    }
}
