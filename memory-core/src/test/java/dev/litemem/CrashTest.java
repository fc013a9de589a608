package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A writer killed with SIGKILL in the middle of a stream of acknowledged batches loses none of them. */
class CrashTest {
    private static final int ROUNDS = 4;
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void everyAcknowledgedBatchSurvivesSigkill() throws Exception {
        Path file = stores.path("crash.db");
        Random random = new Random(42);
        long expectedRecords = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String prefix = "round" + round;
            int lastAck = -1;
            long lastSeq = -1;
            int killAfter = 5 + random.nextInt(60);
            try (ChildJvm child = ChildJvm.start(CrashingWriter.class, file.toString(), prefix)) {
                for (int i = 0; i <= killAfter; i++) {
                    String line = child.readLine();
                    assertNotNull(line, "the writer died before it was killed");
                    String[] parts = line.split(" ");
                    lastAck = Integer.parseInt(parts[1]);
                    lastSeq = Long.parseLong(parts[2]);
                }
                child.kill();
            }
            expectedRecords += 20L * (lastAck + 1);
            try (LiteMem mem = stores.open(file, LiteMemOptions.builder().useBundledEmbedder(false).build())) {
                Collection c = mem.collection("v");
                for (int b = 0; b <= lastAck; b++) {
                    for (int i = 0; i < 20; i += 7) {
                        assertTrue(c.get(prefix + "-" + b + "-" + i).isPresent(), prefix + " batch " + b);
                    }
                    assertEquals(20, c.count(Filter.and(Filter.eq("batch", b), Filter.gte(Filter.ID, prefix + "-"),
                            Filter.lt(Filter.ID, prefix + "."))), prefix + " batch " + b + " is whole");
                }
                long count = c.count();
                // The child may commit more batches between its last line we read and the kill: never fewer, and
                // only whole batches (each is one transaction).
                assertTrue(count >= expectedRecords && count % 20 == 0,
                        "acknowledged " + expectedRecords + ", found " + count + " (whole batches, none lost)");
                expectedRecords = count;
                assertTrue(mem.lastSequence() >= lastSeq);
                assertEquals("ok", Stores.integrityCheck(mem));
            }
        }
    }
}
