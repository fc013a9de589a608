package dev.litemem.internal.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * .gitignore-style rules: blank lines and '#' comments are skipped, '!' re-includes, a trailing '/' matches only
 * folders, a pattern with a '/' elsewhere is anchored to the folder of its ignore file, others match a name at any
 * depth; the last matching rule wins.
 */
public final class IgnoreRules {
    static final List<String> FILE_NAMES = List.of(".gitignore", ".litememignore");

    private record Rule(String base, PathMatcher matcher, boolean anchored, boolean negated, boolean directoryOnly) {
    }

    private final List<Rule> rules;

    private IgnoreRules(List<Rule> rules) {
        this.rules = rules;
    }

    static IgnoreRules none() {
        return new IgnoreRules(List.of());
    }

    /** These rules plus those of the ignore files in {@code dir}, whose path below the root is {@code base}. */
    IgnoreRules with(Path dir, String base) throws IOException {
        List<Rule> added = new ArrayList<>(rules);
        for (String name : FILE_NAMES) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Rule rule = parse(line, base);
                    if (rule != null) {
                        added.add(rule);
                    }
                }
            }
        }
        return added.size() == rules.size() ? this : new IgnoreRules(added);
    }

    private static Rule parse(String line, String base) {
        String p = line.strip();
        if (p.isEmpty() || p.startsWith("#")) {
            return null;
        }
        boolean negated = p.startsWith("!");
        if (negated) {
            p = p.substring(1);
        }
        boolean directoryOnly = p.endsWith("/");
        if (directoryOnly) {
            p = p.substring(0, p.length() - 1);
        }
        while (p.startsWith("**/")) {
            p = p.substring(3);
        }
        boolean anchored = p.contains("/");
        if (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.isEmpty()) {
            return null;
        }
        return new Rule(base, FileSystems.getDefault().getPathMatcher("glob:" + p), anchored, negated, directoryOnly);
    }

    /** Whether the file or folder at {@code relative} (below the root, '/'-separated) is ignored. */
    boolean ignored(String relative, boolean directory) {
        boolean ignored = false;
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        for (Rule r : rules) {
            if (r.directoryOnly() && !directory) {
                continue;
            }
            String local;
            if (r.base().isEmpty()) {
                local = relative;
            } else if (relative.startsWith(r.base() + "/")) {
                local = relative.substring(r.base().length() + 1);
            } else {
                continue;
            }
            boolean matches = r.anchored() ? r.matcher().matches(Path.of(local)) : r.matcher().matches(Path.of(name));
            if (matches) {
                ignored = !r.negated();
            }
        }
        return ignored;
    }
}
