package dev.litemem.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's library quick start compiles and runs as written, with the bundled model; the store it leaves is
 * checked by TempStores (integrity, keyword index, closed).
 */
class ReadmeQuickStartTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void theQuickStartCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf("<!-- quickstart:begin -->");
        int end = readme.indexOf("<!-- quickstart:end -->");
        assertTrue(begin >= 0 && end > begin, "README.md marks its quick start");
        String block = readme.substring(begin, end);
        String code = block.substring(block.indexOf("```java") + "```java".length(), block.lastIndexOf("```"));
        Path source = stores.path("QuickStart.java");
        Files.writeString(source, code);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int compiled = compiler.run(null, null, errors, "-d", stores.dir().toString(), "-cp", System.getProperty("java.class.path"),
                source.toString());
        assertEquals(0, compiled, errors.toString(StandardCharsets.UTF_8));

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", stores.dir() + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                "QuickStart"));
        Process run = new ProcessBuilder(command).directory(stores.dir().toFile()).redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, run.exitValue(), output);
        assertTrue(output.contains("Alice prefers short answers"), output);
        assertTrue(output.contains("todo-7"), output);
        assertTrue(Files.exists(stores.path("agent-42.db")), "the store is one file in the working directory");
    }
}
