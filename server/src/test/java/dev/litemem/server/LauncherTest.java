package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The launcher filters the JVM's stderr (to drop the incubator-module notice): the filter must pass each line on as it
 * comes, or the server's log reaches a log file only when the server exits. Runs the script's own filter command.
 */
@DisabledOnOs(OS.WINDOWS)
class LauncherTest {
    @Test
    void theLaunchersStderrFilterPassesEachLineOnAtOnce() throws Exception {
        String script = Files.readString(Path.of("..", "litemem"));
        Matcher m = Pattern.compile("(?m)^exec java .* 2> >\\((.+)\\)\\s*$").matcher(script);
        assertTrue(m.find(), "the launcher's last line filters stderr through a process substitution");
        String filter = m.group(1);
        // A stand-in for the server: the notice, one log line, then it keeps running (until its stdin closes).
        Process p = new ProcessBuilder("bash", "-c", "{ echo 'WARNING: Using incubator modules: jdk.incubator.vector' >&2;"
                + " echo 'server log line' >&2; read -r x; } 2> >(" + filter + ")").start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return err.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // Buffered, the line would come only after the stand-in exits, which it does not before we close its stdin.
            assertEquals("server log line", first.get(20, TimeUnit.SECONDS), "the line arrived while the process runs");
            assertTrue(p.isAlive());
        } finally {
            p.getOutputStream().close();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        }
    }
}
