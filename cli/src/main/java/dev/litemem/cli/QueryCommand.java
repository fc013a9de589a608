package dev.litemem.cli;

import dev.litemem.Filter;
import dev.litemem.Hit;
import dev.litemem.LiteMem;
import dev.litemem.SearchRequest;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "query", mixinStandardHelpOptions = true, description = "Finds the records closest in meaning to TEXT.")
final class QueryCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "TEXT", description = "What to look for.")
    String text;

    @Option(names = "--k", defaultValue = "5", description = "How many hits (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--where", paramLabel = "FILTER", description = "Only records matching this JSON filter, e.g. '{\"user\": \"alice\"}'.")
    String where;

    @Option(names = "--json", description = "One JSON object per hit and line: id, score, text, source, metadata.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (LiteMem mem = store.open(false)) {
            SearchRequest request = SearchRequest.text(text).k(k);
            if (where != null) {
                request.where(Filter.parse(where));
            }
            List<Hit> hits = store.existingCollection(mem).search(request);
            print(spec.commandLine().getOut(), hits, json);
        }
        return Main.EXIT_OK;
    }

    static void print(PrintWriter out, List<Hit> hits, boolean json) {
        for (int i = 0; i < hits.size(); i++) {
            Hit h = hits.get(i);
            if (json) {
                Output.jsonLine(out, Output.hit(h));
            } else {
                out.printf("%d. %.3f  %s%n", i + 1, h.score(),
                        h.record().source() == null ? h.record().id() : h.record().source() + " #" + h.record().chunk());
                out.println("   " + Output.snippet(h.record().text(), 160));
            }
        }
        if (!json && hits.isEmpty()) {
            out.println("no hits");
        }
    }
}
