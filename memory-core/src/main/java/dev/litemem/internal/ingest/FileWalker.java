package dev.litemem.internal.ingest;

import dev.litemem.LiteMemException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Lists the files under the roots: include and exclude globs (matched against the path below the root and against the
 * file name), hidden files and folders skipped, ignore files honoured when asked. A root that is a file is always
 * taken.
 */
public final class FileWalker {
    static final List<String> DEFAULT_INCLUDE = List.of("*.md", "*.markdown", "*.txt", "*.text", "*.html", "*.htm", "*.pdf");

    private final List<PathMatcher> include;
    private final List<PathMatcher> exclude;
    private final boolean useIgnoreFiles;

    public FileWalker(List<String> include, List<String> exclude, boolean useIgnoreFiles) {
        this.include = matchers(include.isEmpty() ? DEFAULT_INCLUDE : include);
        this.exclude = matchers(exclude);
        this.useIgnoreFiles = useIgnoreFiles;
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> out = new ArrayList<>();
        for (String g : globs) {
            try {
                out.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            } catch (IllegalArgumentException e) {
                throw new dev.litemem.InvalidInputException("glob", "'" + g + "' is not a valid glob: " + e.getMessage());
            }
        }
        return out;
    }

    /** The source path recorded for a root as the user gave it: normalized, '/'-separated, "" for the current folder. */
    public static String rootName(Path root) {
        return root.normalize().toString().replace('\\', '/');
    }

    /**
     * The files under the roots, sorted by source path.
     *
     * @param unreadable told about folders that cannot be listed (they are skipped)
     * @throws LiteMemException if a root does not exist
     */
    public List<SourceFile> walk(List<Path> roots, BiConsumer<String, String> unreadable) {
        for (Path root : roots) {
            if (!Files.exists(root)) {
                throw new LiteMemException(root + " does not exist: check the path (nothing was ingested)");
            }
        }
        List<SourceFile> files = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Path root : roots) {
            String rootName = rootName(root);
            if (!Files.isDirectory(root)) {
                if (seen.add(rootName)) {
                    files.add(new SourceFile(root, rootName, root.getFileName().toString()));
                }
                continue;
            }
            try {
                Files.walkFileTree(root, new Visitor(root, rootName, files, seen, unreadable));
            } catch (IOException e) {
                throw new LiteMemException("cannot list " + root + ": " + e.getMessage(), e);
            }
        }
        files.sort(java.util.Comparator.comparing(SourceFile::source));
        return files;
    }

    private boolean matchesAny(List<PathMatcher> matchers, String relative) {
        Path rel = Path.of(relative);
        Path name = rel.getFileName();
        for (PathMatcher m : matchers) {
            if (m.matches(rel) || m.matches(name)) {
                return true;
            }
        }
        return false;
    }

    private final class Visitor extends SimpleFileVisitor<Path> {
        private final Path root;
        private final String rootName;
        private final List<SourceFile> files;
        private final java.util.Set<String> seen;
        private final BiConsumer<String, String> unreadable;
        private final Deque<IgnoreRules> ignore = new ArrayDeque<>();

        Visitor(Path root, String rootName, List<SourceFile> files, java.util.Set<String> seen,
                BiConsumer<String, String> unreadable) {
            this.root = root;
            this.rootName = rootName;
            this.files = files;
            this.seen = seen;
            this.unreadable = unreadable;
        }

        private String relative(Path p) {
            return root.relativize(p).toString().replace('\\', '/');
        }

        private String source(String relative) {
            return rootName.isEmpty() ? relative : rootName.endsWith("/") ? rootName + relative : rootName + "/" + relative;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            String rel = relative(dir);
            if (!rel.isEmpty()) {
                if (dir.getFileName().toString().startsWith(".") || matchesAny(exclude, rel)
                        || (!ignore.isEmpty() && ignore.peek().ignored(rel, true))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
            }
            if (useIgnoreFiles) {
                IgnoreRules parent = ignore.isEmpty() ? IgnoreRules.none() : ignore.peek();
                ignore.push(parent.with(dir, rel));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            if (useIgnoreFiles && !ignore.isEmpty()) {
                ignore.pop();
            }
            if (e != null) {
                unreadable.accept(source(relative(dir)), "cannot list the folder: " + e.getMessage());
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!attrs.isRegularFile()) {
                return FileVisitResult.CONTINUE;
            }
            String rel = relative(file);
            if (file.getFileName().toString().startsWith(".") || !matchesAny(include, rel) || matchesAny(exclude, rel)
                    || (!ignore.isEmpty() && ignore.peek().ignored(rel, false))) {
                return FileVisitResult.CONTINUE;
            }
            String source = source(rel);
            if (seen.add(source)) {
                files.add(new SourceFile(file, source, rel));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            unreadable.accept(source(relative(file)), "cannot read: " + e.getClass().getSimpleName());
            return FileVisitResult.CONTINUE;
        }
    }
}
