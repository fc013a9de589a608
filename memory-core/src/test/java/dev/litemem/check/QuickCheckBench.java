package dev.litemem.check;

import dev.litemem.Collection;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.SearchRequest;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the server's quick check adds to a cold open: for a tenant of N records with an index checkpoint, alternating,
 * the quick check, a cold open (open, load the index from its checkpoint, one search) and the full check; medians.
 * {@code java -cp TEST_CLASSPATH dev.litemem.check.QuickCheckBench N [ROUNDS]}. Not a test.
 */
public final class QuickCheckBench {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path dir = Files.createTempDirectory("quick-check-bench");
        Path file = dir.resolve("tenant.db");
        LiteMemOptions options = LiteMemOptions.builder().embedder(new WordHashEmbedder()).build();
        try (LiteMem mem = LiteMem.open(file, options)) {
            Collection c = mem.collection("notes");
            for (int from = 0; from < n; from += 1000) {
                List<Record> batch = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + 1000); i++) {
                    batch.add(Record.of("r" + i, "note " + i + " about topic " + (i % 97) + " colour " + (i % 13)
                            + " and place " + (i % 31), Map.of("n", i)));
                }
                c.upsertAll(batch);
            }
            c.checkpointIndex();
        }
        long[] quick = new long[rounds];
        long[] open = new long[rounds];
        long[] full = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            if (!StoreCheck.quickCheck(file).clean()) {
                throw new AssertionError("not clean");
            }
            long t1 = System.nanoTime();
            try (LiteMem mem = LiteMem.open(file, options)) {
                Collection c = mem.collection("notes");
                c.loadIndex();
                c.search(SearchRequest.text("topic 5 colour 3").k(10));
            }
            long t2 = System.nanoTime();
            StoreCheck.check(file);
            long t3 = System.nanoTime();
            quick[r] = (t1 - t0) / 1_000_000;
            open[r] = (t2 - t1) / 1_000_000;
            full[r] = (t3 - t2) / 1_000_000;
        }
        System.out.printf("N=%d file=%d bytes rounds=%d: quick check median %d ms %s; cold open+load+search median %d ms %s;"
                        + " full check median %d ms %s%n", n, Files.size(file), rounds, median(quick),
                Arrays.toString(quick), median(open), Arrays.toString(open), median(full), Arrays.toString(full));
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private static long median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
