package dev.litemem.cli;

import dev.litemem.CollectionInfo;
import dev.litemem.LiteMem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stats", mixinStandardHelpOptions = true, description = "Shows the collections of a file and their sizes.")
final class StatsCommand implements Callable<Integer> {
    @Option(names = "--db", required = true, paramLabel = "FILE", description = "The LiteMem file.")
    java.nio.file.Path db;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StoreOptions store = new StoreOptions();
        store.db = db;
        try (LiteMem mem = store.open(false)) {
            List<Map<String, Object>> collections = new ArrayList<>();
            for (CollectionInfo info : mem.collections()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", info.name());
                c.put("records", mem.collection(info.name()).count());
                c.put("model", info.spec().model());
                c.put("dimension", info.spec().dimension());
                c.put("metric", info.spec().metric().id());
                collections.add(c);
            }
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("file", db.toString());
            stats.put("file_bytes", Files.size(db));
            stats.put("last_seq", mem.lastSequence());
            stats.put("collections", collections);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.jsonLine(out, stats);
            } else {
                out.printf("%s: %,d bytes, last change #%d%n", db, Files.size(db), mem.lastSequence());
                for (Map<String, Object> c : collections) {
                    out.printf("  %-20s %,10d records  %s, %s dims, %s%n", c.get("name"), c.get("records"), c.get("model"),
                            c.get("dimension"), c.get("metric"));
                }
            }
        }
        return Main.EXIT_OK;
    }
}
