package dev.litemem.jmh;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.litemem.Collection;
import dev.litemem.Hit;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.SearchRequest;
import dev.litemem.datasets.GaussianMixture;
import dev.litemem.langchain4j.LiteMemEmbeddingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the LangChain4j adapter costs: top-10 search through {@link LiteMemEmbeddingStore#search} against
 * {@link Collection#search} on the same file, the same queries, one thread. {@code vector*}: a vector search;
 * {@code hybrid*}: the request also carries the query text, so both sides run LiteMem's hybrid search. Segments carry
 * three metadata keys (one typed Long), as LangChain4j ingestion would write them.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@State(Scope.Benchmark)
public class LangChain4jSearchBenchmark {
    private static final int DIMENSION = 384;
    private static final int K = 10;

    @Param({"10000"})
    int count;

    private Path dir;
    private LiteMem mem;
    private Collection collection;
    private LiteMemEmbeddingStore store;
    private float[][] queries;
    private List<String> queryTexts;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("litemem-lc4j-bench");
        mem = LiteMem.open(dir.resolve("bench.db"), LiteMemOptions.builder().useBundledEmbedder(false).build());
        store = LiteMemEmbeddingStore.builder().store(mem).collection("bench").build();
        float[][] vectors = new GaussianMixture(DIMENSION, 100, 0.6, true, 42).sample(count + 200, 1);
        List<String> texts = BenchTexts.generate(count, 40, 7);
        for (int from = 0; from < count; from += 1000) {
            List<String> ids = new ArrayList<>();
            List<Embedding> embeddings = new ArrayList<>();
            List<TextSegment> segments = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 1000); i++) {
                ids.add("seg-" + i);
                embeddings.add(Embedding.from(vectors[i]));
                segments.add(TextSegment.from(texts.get(i), dev.langchain4j.data.document.Metadata.from(Map.of(
                        "source", "doc-" + (i / 10), "page", i % 10, "ingested", 1_700_000_000_000L + i))));
            }
            store.addAll(ids, embeddings, segments);
        }
        collection = store.collection().orElseThrow();
        collection.checkpointIndex();
        queries = new float[200][];
        System.arraycopy(vectors, count, queries, 0, 200);
        queryTexts = BenchTexts.generate(200, 4, 11);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        mem.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public List<Hit> vectorDirect() {
        return collection.search(SearchRequest.vector(queries[next++ % queries.length]).k(K));
    }

    @Benchmark
    public EmbeddingSearchResult<TextSegment> vectorAdapter() {
        return store.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(queries[next++ % queries.length]))
                .maxResults(K).build());
    }

    @Benchmark
    public List<Hit> hybridDirect() {
        int i = next++ % queries.length;
        return collection.search(SearchRequest.vectorAndText(queries[i], queryTexts.get(i)).k(K));
    }

    @Benchmark
    public EmbeddingSearchResult<TextSegment> hybridAdapter() {
        int i = next++ % queries.length;
        return store.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(queries[i]))
                .query(queryTexts.get(i)).maxResults(K).build());
    }
}
