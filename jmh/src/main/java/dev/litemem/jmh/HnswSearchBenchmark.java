package dev.litemem.jmh;

import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Top-10 search, one thread, over 100k normalized 384-dimension vectors (M=16, efConstruction=200): queries per
 * second at ef 16/32/64, and the exact scan for scale. Recall@10 against exact search is printed at tear-down.
 * The first run builds the index (minutes; time printed) and caches a checkpoint in target/.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
@State(Scope.Benchmark)
public class HnswSearchBenchmark {

    @Param({"16", "32", "64"})
    int ef;

    @Param({"100000"})
    int count;

    private HnswFixture fixture;
    private VectorIndex index;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        fixture = new HnswFixture(count, 1000);
        index = fixture.loadOrBuild();
    }

    @TearDown(Level.Trial)
    public void printRecall() {
        System.out.printf("%nef=%d recall@10=%.3f (200 queries)%n", ef, fixture.recall(index, 10, ef, 200));
    }

    @Benchmark
    public List<Neighbor> search() {
        float[] query = fixture.queries[next++ % fixture.queries.length];
        return index.search(query, 10, ef, null);
    }
}
