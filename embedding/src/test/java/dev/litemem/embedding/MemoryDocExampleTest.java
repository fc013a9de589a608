package dev.litemem.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * docs/MEMORY.md's agent loop compiles and runs as written, with the bundled model, twice: the second run resumes
 * with its plan done and redoes nothing. The store it leaves is checked by TempStores.
 */
class MemoryDocExampleTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void theAgentLoopCompilesRunsAndResumes() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "MEMORY.md"));
        int begin = doc.indexOf("<!-- agentloop:begin -->");
        int end = doc.indexOf("<!-- agentloop:end -->");
        assertTrue(begin >= 0 && end > begin, "docs/MEMORY.md marks its agent loop");
        String block = doc.substring(begin, end);
        String code = block.substring(block.indexOf("```java") + "```java".length(), block.lastIndexOf("```"));
        Path source = stores.path("AgentLoop.java");
        Files.writeString(source, code);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int compiled = compiler.run(null, null, errors, "-d", stores.dir().toString(), "-cp",
                System.getProperty("java.class.path"), source.toString());
        assertEquals(0, compiled, errors.toString(StandardCharsets.UTF_8));

        String first = run();
        assertTrue(first.contains("find where Alice's invoices go -> {\"done\": \"find where Alice's invoices go\"}"),
                first);
        assertTrue(first.contains("send Alice invoice 42 -> "), first);
        assertTrue(first.contains("now: Alice's invoices go to ap@example.com"), first);
        assertTrue(first.contains("journal: 4 entries"), first);

        String second = run();
        assertFalse(second.contains(" -> "), "the second run redid a step:\n" + second);
        assertTrue(second.contains("journal: 4 entries"), second);
        assertTrue(second.contains("now: Alice's invoices go to ap@example.com"), second);
    }

    private String run() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", stores.dir() + java.io.File.pathSeparator
                        + System.getProperty("java.class.path"), "AgentLoop"));
        Process run = new ProcessBuilder(command).directory(stores.dir().toFile()).redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, run.exitValue(), output);
        return output;
    }
}
