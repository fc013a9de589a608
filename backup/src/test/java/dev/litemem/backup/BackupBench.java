package dev.litemem.backup;

import dev.litemem.Collection;
import dev.litemem.CollectionSpec;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.index.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures of docs/OPERATIONS.md (opt-in: {@code -Dlitemem.bench.backup=true}, {@code -Dlitemem.bench.records=N},
 * default 100,000): the write cost of change images (ingest with and without, alternating rounds in one run, medians),
 * backup throughput (a base, then a pass over N changes), restore time of an N-record tenant (from a base alone, and
 * from a base plus N changes replayed). Records: 384-dimension vectors, ~200-character texts, small metadata; exact
 * search (no graph), so the figures are the backup's and the log's, not the index's.
 */
@EnabledIfSystemProperty(named = "litemem.bench.backup", matches = "true")
class BackupBench {
    private static final int DIM = 384;
    private static final int N = Integer.getInteger("litemem.bench.records", 100_000);
    private static final LiteMemOptions OPTIONS = LiteMemOptions.builder().exactSearchBelow(Integer.MAX_VALUE).build();

    @TempDir
    Path dir;

    @Test
    void figures() throws Exception {
        Random random = new Random(42);
        // 1. Write cost of change images: 5 rounds, each ingesting 5,000 records into a fresh file with and without.
        double[] without = new double[5];
        double[] with = new double[5];
        for (int round = 0; round < 5; round++) {
            for (boolean images : round % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                Path f = dir.resolve("ingest-" + round + "-" + images + ".db");
                try (LiteMem mem = LiteMem.open(f, OPTIONS)) {
                    mem.keepChangeImages(images);
                    Collection c = mem.collection("docs", CollectionSpec.vectors(DIM, Metric.COSINE));
                    long t0 = System.nanoTime();
                    write(c, 0, 5_000, random);
                    double perSecond = 5_000 / ((System.nanoTime() - t0) / 1e9);
                    (images ? with : without)[round] = perSecond;
                }
                Files.delete(f);
            }
        }
        System.out.printf("ingest records/s, images off: median %.0f %s%n", median(without), Arrays.toString(without));
        System.out.printf("ingest records/s, images on:  median %.0f %s%n", median(with), Arrays.toString(with));

        // 2. Backup throughput: a base of N records, then a pass over N changes (every record updated once).
        Path db = dir.resolve("big.db");
        BlobStore store = new DirectoryBlobStore(dir.resolve("dest"));
        long baseSeq;
        try (LiteMem mem = LiteMem.open(db, OPTIONS)) {
            // As in use: the file was written before its first backup, which turns the images on.
            Collection c = mem.collection("docs", CollectionSpec.vectors(DIM, Metric.COSINE));
            write(c, 0, N, random);
            Backup.Result base = Backup.run(mem, "big", store);
            baseSeq = base.newBase().seq();
            System.out.printf("file %,d bytes; base: %,d records, %,d bytes in %d ms = %.1f MB/s%n", Files.size(db), N, base.bytes(), base.millis(),
                    base.bytes() / 1e6 / (base.millis() / 1e3));
            write(c, 0, N, random);
            Backup.Result log = Backup.run(mem, "big", store);
            System.out.printf("log: %,d changes in %d segments, %,d bytes in %d ms = %.0f changes/s, %.1f MB/s%n",
                    log.entries(), log.segments(), log.bytes(), log.millis(), log.entries() / (log.millis() / 1e3),
                    log.bytes() / 1e6 / (log.millis() / 1e3));
        }
        // 3. Restore time of the N-record tenant: from its base alone, then with N changes replayed.
        Restore.Result atBase = Restore.run(store, "big", dir.resolve("r1.db"), baseSeq, null, false);
        System.out.printf("restore at the base (%,d records): %d ms%n", N, atBase.millis());
        Restore.Result newest = Restore.run(store, "big", dir.resolve("r2.db"), null, null, false);
        System.out.printf("restore at the newest (%,d records, %,d changes replayed): %d ms%n", N, newest.applied(),
                newest.millis());
    }

    private static void write(Collection c, int from, int count, Random random) {
        List<Record> batch = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = random.nextFloat() - 0.5f;
            }
            batch.add(Record.builder().id("doc-" + i).text("record " + i + " " + "lorem ipsum dolor sit amet ".repeat(7))
                    .metadata(Map.of("n", i, "tag", "t" + (i % 10))).vector(v).build());
            if (batch.size() == 500) {
                c.upsertAll(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            c.upsertAll(batch);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
