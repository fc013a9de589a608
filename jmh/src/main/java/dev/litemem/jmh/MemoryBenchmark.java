package dev.litemem.jmh;

import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.memory.Memory;
import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.RememberResult;
import dev.litemem.memory.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Agent memory per call, with N memories in ONE scope (issue 12's bar: remember <= 2 ms and recall <= 5 ms plus the
 * embedding, at 100,000): {@code remember} a new fact (exact-repeat key and near-duplicate search in the write
 * transaction, then the insert, its version and its change-log entry, committed with the default FULL durability),
 * {@code rememberRepeat} an exact repeat (UNCHANGED), {@code recall} top 10 (hybrid search restricted to the scope in
 * SQL, then the score). The embedder is a hash-seeded random 384-dimension vector per text, so embedding costs
 * microseconds and the figures are LiteMem's own; add the model's time per text (docs/MEMORY.md) for a real model.
 * Sample mode: p50 and p99 per call.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
@org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class MemoryBenchmark {
    private static final Scope ALICE = Scope.forUser("alice");

    @Param({"10000", "100000"})
    int count;

    private Path dir;
    private LiteMem mem;
    private Memory memory;
    private List<String> queries;
    private int next;
    private String repeat;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("litemem-memory-bench");
        Path file = dir.resolve("bench.db");
        LiteMemOptions options = LiteMemOptions.builder().embedder(new HashEmbedder()).build();
        List<String> texts = BenchTexts.generate(count, 12, 11);
        // -Dlitemem.bench.filled=DIR keeps the filled file (closed, so its index checkpoint is in it) in DIR and
        // starts every later trial from a copy: filling 100,000 takes minutes, and two builds compared in one
        // session should search the same file.
        String keep = System.getProperty("litemem.bench.filled");
        Path filled = keep == null ? null : Path.of(keep, "memory-" + count + ".db");
        if (filled != null && Files.exists(filled)) {
            copy(filled, file);
        } else {
            try (LiteMem fill = LiteMem.open(file, options)) {
                fill(fill, texts);
            }
            if (filled != null) {
                Files.createDirectories(filled.getParent());
                copy(file, filled);
            }
        }
        mem = LiteMem.open(file, options);
        memory = mem.memory();
        memory.recall(ALICE, "warm up the index", 10); // loads the vector index
        queries = BenchTexts.generate(1_000, 6, 99);
        repeat = "fact 7: " + texts.get(7);
    }

    /** A closed file and its write-ahead log, if one was left. */
    private static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to);
        Path wal = Path.of(from + "-wal");
        if (Files.exists(wal)) {
            Files.copy(wal, Path.of(to + "-wal"));
        }
    }

    private void fill(LiteMem mem, List<String> texts) {
        Memory memory = mem.memory();
        for (int from = 0; from < count; from += 2_000) {
            int start = from;
            // Batches in one transaction each: the fill is not what is measured.
            mem.inTransaction(h -> {
                for (int i = start; i < Math.min(count, start + 2_000); i++) {
                    memory.remember(ALICE, "fact " + i + ": " + texts.get(i));
                }
                return null;
            });
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        mem.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public RememberResult remember() {
        return memory.remember(ALICE, "new fact " + (next++) + " " + queries.get(next % queries.size()));
    }

    @Benchmark
    public RememberResult rememberRepeat() {
        return memory.remember(ALICE, repeat);
    }

    @Benchmark
    public List<MemoryHit> recall() {
        return memory.recall(ALICE, queries.get((next++) % queries.size()), 10);
    }

    /** A random unit vector seeded by the text's hash: the same text gives the same vector, unrelated texts cosine ~0. */
    static final class HashEmbedder implements Embedder {
        @Override
        public String modelId() {
            return "bench-hash-384";
        }

        @Override
        public int dimension() {
            return 384;
        }

        @Override
        public Embeddings embed(List<String> texts) {
            List<float[]> out = new ArrayList<>(texts.size());
            for (String t : texts) {
                Random r = new Random(t.hashCode());
                float[] v = new float[384];
                double norm = 0;
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) r.nextGaussian();
                    norm += v[i] * v[i];
                }
                for (int i = 0; i < v.length; i++) {
                    v[i] /= (float) Math.sqrt(norm);
                }
                out.add(v);
            }
            return new Embeddings(out, 0);
        }
    }
}
