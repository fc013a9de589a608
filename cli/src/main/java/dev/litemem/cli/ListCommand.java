package dev.litemem.cli;

import dev.litemem.Filter;
import dev.litemem.LiteMem;
import dev.litemem.Page;
import dev.litemem.Record;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists records in id order, a page at a time.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--where", paramLabel = "FILTER", description = "Only records matching this JSON filter.")
    String where;

    @Option(names = "--limit", defaultValue = "20", description = "Records per page (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--after", paramLabel = "CURSOR", description = "Start after this id (the cursor printed by the previous page).")
    String after;

    @Option(names = "--json", description = "One JSON object per record and line.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (LiteMem mem = store.open(false)) {
            Page<Record> page = store.existingCollection(mem).list(where == null ? null : Filter.parse(where), after, limit);
            PrintWriter out = spec.commandLine().getOut();
            for (Record r : page.items()) {
                if (json) {
                    Output.jsonLine(out, Output.record(r));
                } else {
                    out.printf("%-28s %s%n", r.id(), Output.snippet(r.text(), 90));
                }
            }
            if (!json && page.hasNext()) {
                spec.commandLine().getErr().println("more: --after " + page.nextCursor());
            }
        }
        return Main.EXIT_OK;
    }
}
