package dev.litemem.jmh;

import ai.djl.engine.Engine;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.litemem.embedding.OnnxEmbedder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Texts per second: our all-MiniLM-L6-v2 embedder against langchain4j's AllMiniLmL6V2EmbeddingModel on the same
 * texts, in one run. langchain4j cuts at 128 tokens, ours at 256, so 200-word texts are measured at both caps.
 *
 * <pre>java -jar jmh/target/benchmarks.jar EmbedderBenchmark</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "--enable-native-access=ALL-UNNAMED"})
public class EmbedderBenchmark {
    static final int SHORT_TEXTS = 64;
    static final int LONG_TEXTS = 16;

    @State(Scope.Benchmark)
    public static class Texts {
        List<String> shortTexts;
        List<TextSegment> shortSegments;
        List<String> longTexts;
        List<TextSegment> longSegments;

        @Setup(Level.Trial)
        public void generate() {
            shortTexts = BenchTexts.generate(SHORT_TEXTS, 12, 1);
            longTexts = BenchTexts.generate(LONG_TEXTS, 200, 2);
            shortSegments = shortTexts.stream().map(TextSegment::from).toList();
            longSegments = longTexts.stream().map(TextSegment::from).toList();
        }
    }

    /** Ours, with "threads x intra-op threads" per session; the default is one intra-op thread per core. */
    @State(Scope.Benchmark)
    public static class Ours {
        @Param({"default"})
        public String config;
        OnnxEmbedder embedder256;
        OnnxEmbedder embedder128;

        @Setup(Level.Trial)
        public void load() {
            embedder256 = configure(OnnxEmbedder.builder()).build();
            embedder128 = configure(OnnxEmbedder.builder().maxTokens(128)).build();
        }

        private OnnxEmbedder.Builder configure(OnnxEmbedder.Builder builder) {
            if (config.equals("default")) {
                return builder;
            }
            String[] parts = config.split("x");
            return builder.threads(Integer.parseInt(parts[0])).intraOpThreads(Integer.parseInt(parts[1]));
        }

        @TearDown(Level.Trial)
        public void close() {
            embedder256.close();
            embedder128.close();
        }
    }

    @State(Scope.Benchmark)
    public static class LangChain4j {
        AllMiniLmL6V2EmbeddingModel model;

        @Setup(Level.Trial)
        public void load() {
            // DJL's engine must own the ONNX Runtime environment in case both run in one JVM.
            Engine.getEngine("OnnxRuntime");
            model = new AllMiniLmL6V2EmbeddingModel();
        }
    }

    @Benchmark
    @OperationsPerInvocation(SHORT_TEXTS)
    public void short12Words_litemem(Ours ours, Texts texts, Blackhole hole) {
        hole.consume(ours.embedder256.embed(texts.shortTexts));
    }

    @Benchmark
    @OperationsPerInvocation(SHORT_TEXTS)
    public void short12Words_langchain4j(LangChain4j lc, Texts texts, Blackhole hole) {
        hole.consume(lc.model.embedAll(texts.shortSegments));
    }

    @Benchmark
    @OperationsPerInvocation(LONG_TEXTS)
    public void long200Words_litemem256(Ours ours, Texts texts, Blackhole hole) {
        hole.consume(ours.embedder256.embed(texts.longTexts));
    }

    @Benchmark
    @OperationsPerInvocation(LONG_TEXTS)
    public void long200Words_litemem128(Ours ours, Texts texts, Blackhole hole) {
        hole.consume(ours.embedder128.embed(texts.longTexts));
    }

    @Benchmark
    @OperationsPerInvocation(LONG_TEXTS)
    public void long200Words_langchain4j128(LangChain4j lc, Texts texts, Blackhole hole) {
        hole.consume(lc.model.embedAll(texts.longSegments));
    }
}
