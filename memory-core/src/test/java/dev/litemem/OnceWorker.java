package dev.litemem;

import dev.litemem.index.Metric;
import dev.litemem.memory.Scope;
import dev.litemem.work.Work;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Child process of {@link OnceCrashTest}. Mode {@code inside}: runs once("job-1") whose work writes state and a record,
 * prints "working" and never returns (killed before the commit). Mode {@code after}: runs it to the end, prints
 * "done RESULT" and then waits (killed before it can tell anyone).
 */
public final class OnceWorker {
    private OnceWorker() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        boolean inside = args[1].equals("inside");
        try (LiteMem mem = LiteMem.open(file, LiteMemOptions.builder().useBundledEmbedder(false).build())) {
            Collection charges = mem.collection("charges", CollectionSpec.vectors(2, Metric.L2));
            Work work = mem.work();
            String result = work.once("job-1", () -> {
                work.state(Scope.forSession("run-1")).put("charged", "{\"amount\": 42}");
                charges.upsert(Record.builder().id("charge-1").vector(new float[] {4, 2}).build());
                if (inside) {
                    System.out.println("working");
                    System.out.flush();
                    new CountDownLatch(1).await(); // killed here, inside the transaction
                }
                return "{\"charged\":42}";
            });
            System.out.println("done " + result);
            System.out.flush();
            new CountDownLatch(1).await(); // killed here: committed, but nobody was told
        }
    }
}
