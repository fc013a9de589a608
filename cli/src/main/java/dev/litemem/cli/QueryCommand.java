package dev.litemem.cli;

import dev.litemem.Collection;
import dev.litemem.Filter;
import dev.litemem.Hit;
import dev.litemem.LiteMem;
import dev.litemem.InvalidInputException;
import dev.litemem.SearchMode;
import dev.litemem.SearchRequest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "query", mixinStandardHelpOptions = true, description = "Finds the records closest in meaning to TEXT.")
final class QueryCommand implements Callable<Integer> {
    private static final Set<String> STOP_WORDS = Set.of("the", "and", "for", "how", "what", "when", "who", "which",
            "does", "can", "are", "was", "were", "with", "from", "that", "this", "into", "about", "our", "you", "your");

    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "TEXT", description = "What to look for.")
    String text;

    @Option(names = "--k", defaultValue = "5", description = "How many hits (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--mode", defaultValue = "hybrid", paramLabel = "MODE",
            description = "hybrid (meaning and words, fused), semantic (meaning) or keyword (words, BM25)"
                    + " (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--where", paramLabel = "FILTER", description = "Only records matching this JSON filter, e.g. '{\"user\": \"alice\"}'.")
    String where;

    @Option(names = "--json", description = "One JSON object per hit and line: id, score, text, source, metadata.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        SearchMode parsedMode = parseMode(mode);
        try (LiteMem mem = store.open(false)) {
            SearchRequest request = SearchRequest.text(text).k(k);
            if (where != null) {
                request.where(Filter.parse(where));
            }
            List<Hit> hits = search(store.existingCollection(mem), request, parsedMode);
            print(spec.commandLine().getOut(), hits, json, text, IngestCommand.isInteractive());
        }
        return Main.EXIT_OK;
    }

    private SearchMode parseMode(String value) {
        try {
            return SearchMode.fromId(value);
        } catch (InvalidInputException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--mode must be hybrid, semantic or keyword,"
                    + " was '" + value + "'");
        }
    }

    /** The one place the search mode reaches the store. */
    static List<Hit> search(Collection collection, SearchRequest request, SearchMode mode) {
        return collection.search(request.mode(mode));
    }

    static void print(PrintWriter out, List<Hit> hits, boolean json) {
        print(out, hits, json, null, false);
    }

    /** Hits as JSON lines, or as a readable list: rank, score, source, heading path and a snippet with query words marked. */
    static void print(PrintWriter out, List<Hit> hits, boolean json, String query, boolean terminal) {
        List<String> terms = query == null ? List.of() : terms(query);
        for (int i = 0; i < hits.size(); i++) {
            Hit h = hits.get(i);
            if (json) {
                Output.jsonLine(out, Output.hit(h));
                continue;
            }
            String where = h.record().source() == null ? h.record().id() : h.record().source() + " #" + h.record().chunk();
            out.printf("%d. %.3f  %s%n", i + 1, h.score(), where);
            Object heading = h.record().metadata().get("heading");
            if (heading instanceof String s && !s.isBlank()) {
                out.println("   § " + s);
            }
            out.println("   " + snippet(h.record().text(), terms, 200, terminal));
        }
        if (!json && hits.isEmpty()) {
            out.println("no hits");
        }
    }

    /** The query's words worth marking: three letters or more, not common function words. */
    static List<String> terms(String query) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : query.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.length() >= 3 && !STOP_WORDS.contains(w)) {
                out.add(w);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * One line of the text around the first query word found (a word that starts with a query word counts: "keys" for
     * "key"), at most {@code width} characters, with the query words marked: bold on a terminal, **like this** otherwise.
     */
    static String snippet(String text, List<String> terms, int width, boolean terminal) {
        if (text == null) {
            return "";
        }
        // One line, without the text's own Markdown emphasis, so that the marks added here are the only ones.
        String flat = text.replaceAll("\\*\\*|__", "").replaceAll("\\s+", " ").strip();
        Pattern p = terms.isEmpty() ? null : Pattern.compile("(?iu)\\b(" + String.join("|",
                terms.stream().map(t -> Pattern.quote(stem(t))).toList()) + ")[\\p{L}\\p{N}]*");
        int start = 0;
        if (p != null) {
            Matcher first = p.matcher(flat);
            if (first.find() && first.start() > width / 3) {
                start = flat.lastIndexOf(' ', first.start() - width / 4) + 1;
            }
        }
        int end = Math.min(flat.length(), start + width);
        if (end < flat.length()) {
            int space = flat.lastIndexOf(' ', end);
            end = space > start ? space : end;
        }
        String window = flat.substring(start, end);
        if (p != null) {
            String open = terminal ? "\033[1m" : "**";
            String close = terminal ? "\033[0m" : "**";
            window = p.matcher(window).replaceAll(m -> Matcher.quoteReplacement(open + m.group() + close));
        }
        return (start > 0 ? "…" : "") + window + (end < flat.length() ? "…" : "");
    }

    /** A crude stem so that "rotate" marks "rotation" and "keys" marks "key". */
    private static String stem(String term) {
        if (term.length() > 5) {
            return term.substring(0, term.length() - 2);
        }
        if (term.length() > 3 && term.endsWith("s")) {
            return term.substring(0, term.length() - 1);
        }
        return term;
    }
}
