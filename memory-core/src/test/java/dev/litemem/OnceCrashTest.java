package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.memory.Scope;
import dev.litemem.testing.TempStores;
import dev.litemem.work.Work;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** once(key, work) across a SIGKILL: the work's writes and the stored result are one transaction. */
@Timeout(120)
class OnceCrashTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    private static final LiteMemOptions OPTIONS = LiteMemOptions.builder().useBundledEmbedder(false).build();

    @Test
    void killedInsideTheWorkNothingOfItIsKeptAndTheKeyRunsAgain() throws Exception {
        Path file = stores.path("once.db");
        try (ChildJvm child = ChildJvm.start(OnceWorker.class, file.toString(), "inside")) {
            assertEquals("working", child.readLine());
            child.kill();
        }
        try (LiteMem mem = stores.open(file, OPTIONS)) {
            Work work = mem.work();
            assertTrue(work.state(Scope.forSession("run-1")).get("charged").isEmpty());
            assertTrue(mem.collection("charges", CollectionSpec.vectors(2, Metric.L2)).get("charge-1").isEmpty());
            AtomicInteger runs = new AtomicInteger();
            assertEquals("{\"again\":1}", work.once("job-1", () -> "{\"again\":" + runs.incrementAndGet() + "}"));
            assertEquals(1, runs.get());
        }
    }

    @Test
    void killedAfterTheCommitTheStoredResultIsReturnedWithoutRunningTheWork() throws Exception {
        Path file = stores.path("once.db");
        try (ChildJvm child = ChildJvm.start(OnceWorker.class, file.toString(), "after")) {
            assertEquals("done {\"charged\":42}", child.readLine());
            child.kill();
        }
        try (LiteMem mem = stores.open(file, OPTIONS)) {
            Work work = mem.work();
            String result = work.once("job-1", () -> {
                throw new AssertionError("the work ran twice");
            });
            assertEquals("{\"charged\":42}", result);
            assertEquals("{\"amount\":42}", work.state(Scope.forSession("run-1")).get("charged").orElseThrow().value());
            assertTrue(mem.collection("charges", CollectionSpec.vectors(2, Metric.L2)).get("charge-1").isPresent());
        }
    }
}
