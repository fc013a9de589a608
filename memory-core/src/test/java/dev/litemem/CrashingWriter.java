package dev.litemem;

import dev.litemem.index.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Child process of {@link CrashTest}: writes batches forever and prints "ack FIRST LAST" after each commit. */
public final class CrashingWriter {
    private CrashingWriter() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        String prefix = args[1];
        Random random = new Random(prefix.hashCode());
        try (LiteMem mem = LiteMem.open(file, LiteMemOptions.builder().useBundledEmbedder(false).build())) {
            Collection c = mem.collection("v", CollectionSpec.vectors(16, Metric.COSINE));
            for (int batch = 0; ; batch++) {
                List<Record> records = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    records.add(Record.builder().id(prefix + "-" + batch + "-" + i).text("batch " + batch)
                            .vector(Stores.randomVector(random, 16)).metadata(Map.of("batch", batch)).build());
                }
                long seq = c.upsertAll(records);
                System.out.println("ack " + batch + " " + seq);
                System.out.flush();
            }
        }
    }
}
