package dev.litemem;

import dev.litemem.index.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Child process of {@link IndexCrashTest}: inserts, replaces, deletes and checkpoints until it is killed. */
public final class IndexChurner {
    static final int DIM = 16;

    private IndexChurner() {
    }

    static float[] probe() {
        float[] v = new float[DIM];
        v[0] = 1;
        return v;
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int run = Integer.parseInt(args[1]);
        Random random = new Random(run);
        try (LiteMem mem = LiteMem.open(file, LiteMemOptions.builder().useBundledEmbedder(false)
                .checkpointEveryChanges(50).compactionThreshold(0.3).build())) {
            Collection c = mem.collection("v", CollectionSpec.vectors(DIM, Metric.COSINE));
            c.loadIndex();
            System.out.println("ready");
            System.out.flush();
            for (int batch = 0; ; batch++) {
                List<Record> records = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    records.add(Record.builder().id("r" + random.nextInt(400)).vector(Stores.randomVector(random, DIM)).build());
                }
                c.upsertAll(records);
                if (batch % 3 == 0) {
                    c.deleteAll(List.of("r" + random.nextInt(400), "r" + random.nextInt(400)));
                }
                if (batch % 7 == 0) {
                    c.checkpointIndex();
                }
                System.out.println("ack " + batch);
                System.out.flush();
            }
        }
    }
}
