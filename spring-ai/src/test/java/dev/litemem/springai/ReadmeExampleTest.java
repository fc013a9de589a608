package dev.litemem.springai;

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

/** The README's Spring Boot application compiles and runs as written, in its own JVM, with its properties file. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void theSpringBootExampleCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Path source = dir.resolve("example").resolve("NotesApp.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, block(readme, "example", "```java"));
        Files.writeString(dir.resolve("application.properties"), block(readme, "properties", "```properties"));

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int compiled = compiler.run(null, null, errors, "-d", dir.toString(), "-cp", System.getProperty("java.class.path"),
                source.toString());
        assertEquals(0, compiled, errors.toString(StandardCharsets.UTF_8));

        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", dir + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                "example.NotesApp");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.matches("(?s).*\\d\\.\\d{3} Deploys go out on Tuesdays after the canary passes.*"), output);
        assertTrue(Files.exists(dir.resolve("notes.db")), "the documents are in the file the property names");
    }

    private static String block(String readme, String marker, String fence) {
        int begin = readme.indexOf("<!-- " + marker + ":begin -->");
        int end = readme.indexOf("<!-- " + marker + ":end -->");
        assertTrue(begin >= 0 && end > begin, "README.md marks its " + marker);
        String block = readme.substring(begin, end);
        return block.substring(block.indexOf(fence) + fence.length(), block.lastIndexOf("```"));
    }
}
