package dev.litemem.cli;

import dev.litemem.LiteMem;
import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.MemoryItem;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "recall", mixinStandardHelpOptions = true,
        description = "The user's memories that best match QUERY, by relevance, recency and importance.")
final class RecallCommand implements Callable<Integer> {
    @Mixin
    MemoryOptions memory;

    @Parameters(index = "0", paramLabel = "QUERY", description = "What to recall.")
    String query;

    @Option(names = "--k", defaultValue = "5", paramLabel = "N", description = "How many (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--json", description = "One JSON object per hit and line, in the shape of 'query --json' (id,"
            + " score, text, metadata, source, chunk, created, updated) with the memory's kind, importance, scope and"
            + " the score's parts.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (LiteMem mem = memory.open(false)) {
            List<MemoryHit> hits = mem.memory().recall(memory.scope(), query, k);
            PrintWriter out = spec.commandLine().getOut();
            for (int i = 0; i < hits.size(); i++) {
                MemoryHit h = hits.get(i);
                if (json) {
                    Output.jsonLine(out, hit(h));
                } else {
                    out.printf("%d. %.3f  %s  [%s]%n", i + 1, h.score(), h.memory().id(), h.memory().kind());
                    out.println("   " + Output.snippet(h.memory().text(), 200));
                }
            }
            if (!json && hits.isEmpty()) {
                out.println("no memories");
            }
        }
        return Main.EXIT_OK;
    }

    static Map<String, Object> hit(MemoryHit h) {
        MemoryItem m = h.memory();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", m.id());
        o.put("score", h.score());
        o.put("text", m.text());
        o.put("metadata", m.metadata());
        o.put("source", null);
        o.put("chunk", null);
        o.put("created", m.createdAt().toString());
        o.put("updated", m.updatedAt().toString());
        o.put("kind", m.kind());
        o.put("importance", m.importance());
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("user", m.scope().user());
        scope.put("agent", m.scope().agent());
        scope.put("session", m.scope().session());
        o.put("scope", scope);
        o.put("expires", m.expiresAt() == null ? null : m.expiresAt().toString());
        o.put("relevance_part", h.relevance());
        o.put("recency_part", h.recency());
        o.put("importance_part", h.importance());
        return o;
    }
}
