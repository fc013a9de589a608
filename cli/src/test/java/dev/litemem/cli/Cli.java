package dev.litemem.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the CLI as a user would: a child JVM on the test class path, in a working folder, with real files. */
final class Cli {
    private Cli() {
    }

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.isBlank() ? List.of() : Arrays.asList(out.strip().split("\\R"));
        }

        String lastLine() {
            List<String> lines = lines();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** The CLI with the tests' small word-hash embedder (fast, deterministic). */
    static ProcessBuilder command(Path workDir, String... args) {
        return command(workDir, true, args);
    }

    /** @param testEmbedder false to run with the bundled ONNX model, as users do */
    static ProcessBuilder command(Path workDir, boolean testEmbedder, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Xmx512m");
        // Short-lived processes: skip the optimizing compiler and the parallel collector, start faster.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Dlitemem.test.embedder=" + testEmbedder);
        command.add("-Dlitemem.server.warmUpMillis=0"); // servers it starts skip the start-up warm-up (1.5 s each)
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().remove("LITEMEM_DEBUG");
        return pb;
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, true, args);
    }

    /** Runs the CLI with the bundled ONNX model. */
    static Result runWithBundledModel(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, false, args);
    }

    private static Result run(Path workDir, boolean testEmbedder, String... args) throws IOException, InterruptedException {
        Process p = command(workDir, testEmbedder, args).redirectInput(ProcessBuilder.Redirect.from(nullFile())).start();
        byte[][] streams = new byte[2][];
        Thread errReader = new Thread(() -> {
            try {
                streams[1] = p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                streams[1] = ("reading stderr failed: " + e).getBytes(StandardCharsets.UTF_8);
            }
        });
        errReader.start();
        streams[0] = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the CLI did not finish within 300 s: " + String.join(" ", args));
        }
        errReader.join();
        return new Result(p.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                new String(streams[1], StandardCharsets.UTF_8));
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
