package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real server in a child JVM ({@link ChildServerMain}), for tests that kill it with SIGKILL or run it under other
 * process limits. Its standard output is read line by line; {@link #awaitLine} waits for a line the server prints.
 */
final class ChildServer implements AutoCloseable {
    final Process process;
    final String url;
    private final BufferedReader out;
    final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());

    private ChildServer(Process process, BufferedReader out, String url) {
        this.process = process;
        this.out = out;
        this.url = url;
    }

    /**
     * Starts a server on {@code dataDir} and waits until it listens.
     *
     * @param shellPrefix run through {@code bash -c} after this (for example {@code ulimit -n 256}), or null
     * @param jvmArgs     extra JVM options such as {@code -Dlitemem.test.pauseAt=...}
     */
    static ChildServer start(Path dataDir, int maxOpen, String adminKey, String shellPrefix, String... jvmArgs)
            throws IOException {
        return start(dataDir, maxOpen, 0, adminKey, shellPrefix, jvmArgs);
    }

    /** As above, on {@code port} (0: a free one). */
    static ChildServer start(Path dataDir, int maxOpen, int port, String adminKey, String shellPrefix, String... jvmArgs)
            throws IOException {
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx256m"));
        java.addAll(List.of(jvmArgs));
        java.addAll(List.of(ChildServerMain.class.getName(), dataDir.toString(), Integer.toString(maxOpen),
                Integer.toString(port)));
        List<String> command = java;
        if (shellPrefix != null) {
            StringBuilder line = new StringBuilder(shellPrefix).append(" && exec");
            for (String arg : java) {
                line.append(" '").append(arg.replace("'", "'\\''")).append('\'');
            }
            command = List.of("bash", "-c", line.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("LITEMEM_ADMIN_KEY", adminKey);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        ChildServer child = new ChildServer(p, out, null);
        String listening = child.awaitLine(l -> l.startsWith("listening on "));
        return new ChildServer(p, out, listening.substring("listening on ".length())).withLines(child.lines);
    }

    private ChildServer withLines(List<String> seen) {
        lines.addAll(seen);
        return this;
    }

    /** Reads the server's output until a line matches; fails if the server exits first. */
    String awaitLine(Predicate<String> matches) throws IOException {
        for (String line; (line = out.readLine()) != null; ) {
            lines.add(line);
            if (matches.test(line)) {
                return line;
            }
        }
        throw new AssertionError("the child server exited before printing the line awaited; its output: " + lines);
    }

    /** Keeps reading (and recording) its output in the background, so a full pipe never stops it. */
    void drainOutput() {
        CompletableFuture.runAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process ended.
            }
        });
    }

    /** SIGKILL, and wait for the process to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the child server died");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
