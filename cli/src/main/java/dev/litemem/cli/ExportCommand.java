package dev.litemem.cli;

import dev.litemem.CollectionInfo;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.Page;
import dev.litemem.Record;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Copies a LiteMem file consistently while others may write to it (a snapshot of the last commit),",
                "or with --json writes its records as JSON lines (to --out, or to stdout)."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--db", required = true, paramLabel = "FILE", description = "The LiteMem file.")
    Path db;

    @Option(names = {"-o", "--out"}, paramLabel = "PATH", description = "Where to write: the copy (required without --json),"
            + " or the JSON lines file.")
    Path out;

    @Option(names = "--json", description = "Records as JSON lines: collection, id, text, metadata, source, chunk, created, updated.")
    boolean json;

    @Option(names = {"-c", "--collection"}, paramLabel = "NAME", description = "With --json: only this collection (default: all).")
    String collection;

    @Option(names = "--vectors", description = "With --json: include each record's embedding.")
    boolean vectors;

    @Option(names = "--force", description = "Overwrite PATH if it exists.")
    boolean force;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!json && out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --out PATH for the copy, or --json for JSON lines");
        }
        if (!Files.isRegularFile(db)) {
            throw new LiteMemException(db + " does not exist: check the path");
        }
        if (out != null && Files.exists(out)) {
            if (!force) {
                throw new LiteMemException(out + " already exists: choose another path, or add --force to overwrite it");
            }
            Files.delete(out);
        }
        try (LiteMem mem = LiteMem.open(db)) {
            if (json) {
                writeJson(mem);
            } else {
                long bytes = mem.exportTo(out);
                spec.commandLine().getOut().printf("Copied %s to %s (%,d bytes)%n", db, out, bytes);
            }
        }
        return Main.EXIT_OK;
    }

    private void writeJson(LiteMem mem) throws IOException {
        List<CollectionInfo> collections = mem.collections();
        if (collection != null && collections.stream().noneMatch(c -> c.name().equals(collection))) {
            throw new LiteMemException("collection '" + collection + "' does not exist in " + db
                    + ": choose one with --collection (see 'litemem stats --db " + db + "')");
        }
        PrintWriter w = out == null ? spec.commandLine().getOut()
                : new PrintWriter(new OutputStreamWriter(Files.newOutputStream(out), StandardCharsets.UTF_8));
        try {
            long count = 0;
            for (CollectionInfo info : collections) {
                if (collection != null && !info.name().equals(collection)) {
                    continue;
                }
                String cursor = null;
                do {
                    Page<Record> page = mem.collection(info.name()).list(cursor, 1000);
                    for (Record r : page.items()) {
                        Map<String, Object> m = new java.util.LinkedHashMap<>();
                        m.put("collection", info.name());
                        m.putAll(Output.record(r));
                        if (vectors) {
                            m.put("vector", r.vector());
                        }
                        Output.jsonLine(w, m);
                        count++;
                    }
                    cursor = page.nextCursor();
                } while (cursor != null);
            }
            w.flush();
            if (out != null) {
                spec.commandLine().getErr().printf("litemem: wrote %,d records to %s%n", count, out);
            }
        } finally {
            if (out != null) {
                w.close();
            }
        }
    }
}
