package dev.litemem.cli;

import dev.litemem.Embedder;
import dev.litemem.Embedders;
import dev.litemem.Embeddings;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.ingest.IngestSummary;
import dev.litemem.ingest.Ingester;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * Ingest throughput against the embedder's own: ingests N copies of the sample handbook into a fresh file, recording
 * the exact batches the pipeline sent to the embedder, then embeds those same batches directly. Prints both rates per
 * round, their medians and the ratio (the bar is ingest >= 90% of the embedder's texts/second), and the same ratio
 * in process CPU time, which holds steadier than wall time on a machine shared with other work.
 *
 * <pre>
 * java -cp &lt;cli test class path&gt; dev.litemem.cli.IngestBench [copies=40] [rounds=3] [batch=64]
 * </pre>
 *
 * Uses the bundled model when litemem-embedding is on the class path, else the tests' word-hash embedder.
 */
public final class IngestBench {
    private IngestBench() {
    }

    public static void main(String[] args) throws IOException {
        int copies = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Embedder embedder = Embedders.available().isEmpty() ? TestEmbedderProvider.embedder() : Embedders.bundled();
        Path work = Files.createTempDirectory("litemem-ingest-bench");
        Path corpus = corpus(work.resolve("corpus"), copies);
        System.out.printf("model %s, %d files, batch %d, %d cores%n", embedder.modelId(), copies * 12, batch,
                Runtime.getRuntime().availableProcessors());
        List<Double> ingestRates = new ArrayList<>();
        List<Double> embedRates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            Recording recording = new Recording(embedder);
            Path db = work.resolve("round-" + round + ".db");
            IngestSummary s;
            long cpuBefore = cpuNanos();
            long opened = System.nanoTime();
            try (LiteMem mem = LiteMem.open(db, LiteMemOptions.builder().embedder(recording).build())) {
                s = Ingester.builder(mem).batchSize(batch).build().run(List.of(corpus));
            }
            double wallRate = s.chunks() * 1e9 / (System.nanoTime() - opened);
            long ingestCpu = cpuNanos() - cpuBefore;
            long texts = 0;
            cpuBefore = cpuNanos();
            long started = System.nanoTime();
            for (List<String> b : recording.batches) {
                embedder.embed(b);
                texts += b.size();
            }
            double embedRate = texts * 1e9 / (System.nanoTime() - started);
            long embedCpu = cpuNanos() - cpuBefore;
            String label = round == 0 ? "warm-up" : "round " + round;
            System.out.printf("%-8s ingest %6d chunks in %6.2f s = %7.1f chunks/s (%.1f files/s, %d truncated;"
                            + " %.1f chunks/s with open and close); embed alone %7.1f texts/s; ratio %.3f;"
                            + " CPU embed alone / ingest %.3f%n", label,
                    s.chunks(), s.seconds(), s.chunksPerSecond(), s.filesPerSecond(), s.truncated(), wallRate, embedRate,
                    s.chunksPerSecond() / embedRate, (double) embedCpu / ingestCpu);
            if (round > 0) {
                ingestRates.add(s.chunksPerSecond());
                embedRates.add(embedRate);
                ratios.add(s.chunksPerSecond() / embedRate);
                cpuRatios.add((double) embedCpu / ingestCpu);
            }
        }
        double ingest = median(ingestRates);
        double embed = median(embedRates);
        System.out.printf("median   ingest %.1f chunks/s, embed alone %.1f texts/s (ratio of medians %.3f);"
                + " median ratio per round %.3f; median CPU ratio %.3f%n", ingest, embed, ingest / embed, median(ratios),
                median(cpuRatios));
    }

    private static Path corpus(Path dir, int copies) throws IOException {
        Path samples = Path.of(System.getProperty("litemem.home", ".."), "samples", "acme-handbook");
        List<Path> files;
        try (Stream<Path> s = Files.list(samples)) {
            files = s.sorted().toList();
        }
        for (int c = 0; c < copies; c++) {
            Path copy = Files.createDirectories(dir.resolve(String.format("copy-%03d", c)));
            for (Path f : files) {
                Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
        }
        return dir;
    }

    /** CPU time of the whole process (every thread), which other processes' load does not inflate. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The real embedder, remembering every batch it was given. */
    private static final class Recording implements Embedder {
        final Embedder delegate;
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

        Recording(Embedder delegate) {
            this.delegate = delegate;
        }

        @Override
        public String modelId() {
            return delegate.modelId();
        }

        @Override
        public int dimension() {
            return delegate.dimension();
        }

        @Override
        public int maxTokens() {
            return delegate.maxTokens();
        }

        @Override
        public int countTokens(String text) {
            return delegate.countTokens(text);
        }

        @Override
        public Embeddings embed(List<String> texts) {
            batches.add(List.copyOf(texts));
            return delegate.embed(texts);
        }
    }
}
