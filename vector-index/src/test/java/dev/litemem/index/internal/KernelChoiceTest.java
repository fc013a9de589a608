package dev.litemem.index.internal;

import dev.litemem.index.HnswParams;
import dev.litemem.index.Metric;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel choice in a JVM started without --add-modules jdk.incubator.vector (a child process). */
class KernelChoiceTest {

    /** Run in the child JVM: prints the chosen kernels and the nearest label of a tiny index. */
    public static void main(String[] args) {
        HnswVectorIndex index = HnswVectorIndex.create(3, Metric.L2, HnswParams.DEFAULTS);
        index.add(1, new float[] {0, 0, 0});
        index.add(2, new float[] {5, 5, 5});
        System.out.println("kernels=" + index.vectorMath().name());
        System.out.println("nearest=" + index.search(new float[] {4, 4, 4}, 1).get(0).label());
    }

    @Test
    void withoutTheVectorModuleTheScalarKernelsAreChosenAndWork() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                KernelChoiceTest.class.getName()))
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), output);
        assertTrue(output.contains("kernels=scalar"), output);
        assertTrue(output.contains("nearest=2"), output);
        assertTrue(output.contains("Distance functions: plain Java"), "the choice is logged: " + output);
    }
}
