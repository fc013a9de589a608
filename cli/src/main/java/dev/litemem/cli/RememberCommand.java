package dev.litemem.cli;

import dev.litemem.InvalidInputException;
import dev.litemem.LiteMem;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.RememberResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "remember", mixinStandardHelpOptions = true,
        description = "Remembers TEXT for a user (an exact repeat or a near-duplicate is not stored twice).")
final class RememberCommand implements Callable<Integer> {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)([smhdw])");

    @Mixin
    MemoryOptions memory;

    @Parameters(index = "0", paramLabel = "TEXT", description = "What to remember.")
    String text;

    @Option(names = "--kind", paramLabel = "K", description = "fact (default), preference, event, instruction, ...")
    String kind;

    @Option(names = "--importance", paramLabel = "X", description = "0 to 1 (default 0.5).")
    Double importance;

    @Option(names = "--ttl", paramLabel = "D", description = "Forget it after this long: 30m, 12h, 7d, 2w, or ISO-8601"
            + " such as PT90M.")
    String ttl;

    @Option(names = "--json", description = "Print the result as one JSON object: id, outcome, text, previous_text,"
            + " similarity.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RememberOptions options = RememberOptions.defaults();
        if (kind != null) {
            options = options.kind(kind);
        }
        if (importance != null) {
            options = options.importance(importance);
        }
        if (ttl != null) {
            options = options.ttl(parseDuration(ttl));
        }
        try (LiteMem mem = memory.open(true)) {
            RememberResult r = mem.memory().remember(memory.scope(), text, options);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", r.id());
                m.put("outcome", r.outcome().name());
                m.put("text", r.text());
                m.put("previous_text", r.previousText());
                m.put("similarity", r.similarity());
                Output.jsonLine(out, m);
            } else {
                out.println(r.outcome().name().toLowerCase(Locale.ROOT) + " " + r.id()
                        + (r.outcome() == RememberResult.Outcome.UNCHANGED ? " (already remembered: "
                        + Output.snippet(r.text(), 80) + ")" : ""));
            }
        }
        return Main.EXIT_OK;
    }

    /** 30s, 30m, 12h, 7d, 2w, or an ISO-8601 duration. */
    static Duration parseDuration(String value) {
        Matcher m = SHORT_DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofDays(7 * n);
                };
            }
            return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new InvalidInputException("ttl", "--ttl must be a duration such as 30m, 12h, 7d, 2w or PT90M, was '"
                    + value + "'");
        }
    }
}
