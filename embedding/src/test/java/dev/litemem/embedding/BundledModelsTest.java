package dev.litemem.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Embedder;
import dev.litemem.spi.EmbedderProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledModelsTest {

    @Test
    void theProviderIsFoundThroughServiceLoaderAndListsTheDefaultFirst() {
        List<EmbedderProvider> providers = new ArrayList<>();
        ServiceLoader.load(EmbedderProvider.class).forEach(providers::add);
        assertEquals(1, providers.size());
        EmbedderProvider provider = providers.get(0);
        assertEquals(BundledModels.DEFAULT, provider.modelNames().get(0));
        assertTrue(provider.modelNames().contains(BundledModels.BGE_SMALL_EN_V15),
                "bge-small-en-v1.5 is on the test class path");

        Embedder first = provider.create(BundledModels.DEFAULT);
        Embedder second = provider.create(BundledModels.DEFAULT);
        assertSame(first, second);
        first.close();
        assertEquals(384, second.embed("closing a shared embedder does not break it").length);
    }

    @Test
    void bgeSmallUsesClsPoolingAnd512Tokens() {
        Embedder bge = new LocalEmbedderProvider().create(BundledModels.BGE_SMALL_EN_V15);
        assertEquals("bge-small-en-v1.5", bge.modelId());
        assertEquals(384, bge.dimension());
        List<float[]> v = bge.embed(List.of("A man is eating food.", "A man is eating a piece of bread.",
                "The girl is carrying a baby.")).vectors();
        double related = Vectors.cosine(v.get(0), v.get(1));
        double unrelated = Vectors.cosine(v.get(0), v.get(2));
        assertTrue(related > unrelated + 0.2, related + " vs " + unrelated);
        assertEquals(1.0, Vectors.norm(v.get(0)), 1e-5);
        assertEquals(0, bge.embed(List.of(TestTexts.words(300, 1))).truncated(), "300 words fit in 512 tokens");
        assertEquals(1, bge.embed(List.of(TestTexts.words(1000, 1))).truncated());
    }

    @Test
    void modelFilesAreExtractedOnceToAContentAddressedFolder(@TempDir Path cache) throws Exception {
        String previous = System.getProperty(ModelFiles.CACHE_DIR_PROPERTY);
        System.setProperty(ModelFiles.CACHE_DIR_PROPERTY, cache.toString());
        try {
            BundledModels.Spec spec = BundledModels.spec(BundledModels.DEFAULT);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<Path>> extractions = new ArrayList<>();
            Callable<Path> extract = () -> ModelFiles.materialize(spec);
            for (int i = 0; i < 3; i++) {
                extractions.add(pool.submit(extract));
            }
            pool.shutdown();
            Path dir = extractions.get(0).get();
            for (Future<Path> other : extractions) {
                assertEquals(dir, other.get());
            }
            assertEquals(cache.resolve("models"), dir.getParent());
            assertTrue(dir.getFileName().toString().matches("[0-9a-f]{16}"), dir.toString());
            assertEquals(90_387_606L, Files.size(dir.resolve("model.onnx")));
            assertEquals(711_661L, Files.size(dir.resolve("tokenizer.json")));
            try (var files = Files.list(dir)) {
                assertEquals(2, files.count(), "no temporary files left behind");
            }

            FileTime written = Files.getLastModifiedTime(dir.resolve("model.onnx"));
            Files.setLastModifiedTime(dir.resolve("model.onnx"), FileTime.fromMillis(written.toMillis() - 60_000));
            FileTime aged = Files.getLastModifiedTime(dir.resolve("model.onnx"));
            assertEquals(dir, ModelFiles.materialize(spec));
            assertEquals(aged, Files.getLastModifiedTime(dir.resolve("model.onnx")), "not rewritten");

            truncate(dir.resolve("model.onnx"));
            ModelFiles.materialize(spec);
            assertEquals(90_387_606L, Files.size(dir.resolve("model.onnx")), "a partial file is replaced");
        } finally {
            if (previous == null) {
                System.clearProperty(ModelFiles.CACHE_DIR_PROPERTY);
            } else {
                System.setProperty(ModelFiles.CACHE_DIR_PROPERTY, previous);
            }
        }
    }

    private static void truncate(Path file) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(1000);
        }
    }

    @Test
    void embedBenchCountsTextsAndTruncation() {
        Embedder embedder = new LocalEmbedderProvider().create(BundledModels.DEFAULT);
        EmbedBench.Result result = EmbedBench.run(embedder, List.of("one", "two", TestTexts.words(1000, 3)));
        assertEquals(3, result.texts());
        assertEquals(1, result.truncated());
        assertTrue(result.seconds() > 0);
        assertEquals(result.texts() / result.seconds(), result.textsPerSecond(), 1e-6);
    }
}
