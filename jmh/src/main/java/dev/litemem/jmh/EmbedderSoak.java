package dev.litemem.jmh;

import dev.litemem.Embeddings;
import dev.litemem.embedding.OnnxEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Embeds many texts in one JVM and prints the process's resident memory (VmRSS) every 10,000 texts, to show that
 * native memory stays flat. Fix the heap size so heap growth does not show up as RSS growth:
 *
 * <pre>java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -Dai.djl.offline=true -cp jmh/target/benchmarks.jar \
 *     dev.litemem.jmh.EmbedderSoak [texts=200000]</pre>
 */
public final class EmbedderSoak {
    private static final int SAMPLE_EVERY = 10_000;
    private static final int CALL_SIZE = 100;

    private EmbedderSoak() {
    }

    public static void main(String[] args) throws IOException {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Random random = new Random(42);
        List<Long> samples = new ArrayList<>();
        long start = System.nanoTime();
        long truncated = 0;
        try (OnnxEmbedder embedder = OnnxEmbedder.builder().build()) {
            System.out.printf("texts=%d rss_mb=%.1f (model loaded)%n", 0, rssKb() / 1024.0);
            int done = 0;
            while (done < total) {
                List<String> call = new ArrayList<>(CALL_SIZE);
                for (int i = 0; i < CALL_SIZE; i++) {
                    // Mostly short texts (memory notes, chat turns), some medium, and 1 in 100 past the 256-token limit.
                    int kind = random.nextInt(100);
                    int words = kind == 0 ? 150 + random.nextInt(250)
                            : kind < 10 ? 13 + random.nextInt(48) : 2 + random.nextInt(11);
                    call.addAll(BenchTexts.generate(1, words, random.nextLong()));
                }
                Embeddings embeddings = embedder.embed(call);
                truncated += embeddings.truncated();
                done += call.size();
                if (done % SAMPLE_EVERY == 0) {
                    long rss = rssKb();
                    samples.add(rss);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf("texts=%d rss_mb=%.1f texts_per_s=%.0f truncated=%d%n", done, rss / 1024.0,
                            done / seconds, truncated);
                }
            }
        }
        if (samples.size() >= 3) {
            long early = samples.get(1);
            long last = samples.get(samples.size() - 1);
            long max = samples.stream().mapToLong(Long::longValue).max().orElse(0);
            System.out.printf("rss after %d texts %.1f MB, at the end %.1f MB, max %.1f MB, drift %+.1f MB%n",
                    2 * SAMPLE_EVERY, early / 1024.0, last / 1024.0, max / 1024.0, (last - early) / 1024.0);
        }
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("VmRSS not found in /proc/self/status (the soak needs Linux).");
    }
}
