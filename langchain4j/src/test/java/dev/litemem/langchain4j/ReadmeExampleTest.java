package dev.litemem.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's agent compiles and runs as written, in its own JVM, twice: its chat memory is in the file. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void theAgentExampleCompilesAndRunsAndRemembers() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf("<!-- example:begin -->");
        int end = readme.indexOf("<!-- example:end -->");
        assertTrue(begin >= 0 && end > begin, "README.md marks its example");
        String block = readme.substring(begin, end);
        String code = block.substring(block.indexOf("```java") + "```java".length(), block.lastIndexOf("```"));
        Path source = dir.resolve("example").resolve("HandbookAgent.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, code);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int compiled = compiler.run(null, null, errors, "-d", dir.toString(), "-cp", System.getProperty("java.class.path"),
                source.toString());
        assertEquals(0, compiled, errors.toString(StandardCharsets.UTF_8));

        String first = run();
        assertTrue(first.contains("From the handbook: Production API keys are rotated every quarter by the ops team."), first);
        assertTrue(first.contains("From the handbook: Deploys go out on Tuesdays after the canary passes."), first);
        assertTrue(first.contains("4 messages remembered for alice in agent.db"), first);
        assertTrue(run().contains("8 messages remembered for alice"), "the second run finds the first run's memory");
    }

    private String run() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", dir + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                "example.HandbookAgent");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
