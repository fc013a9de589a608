package dev.litemem.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's own model folder: the happy path with MiniLM's files, and every way a folder can be wrong. */
class ModelDirectoryTest {
    private static Path bundledDir;

    @BeforeAll
    static void extract() {
        bundledDir = ModelFiles.materialize(BundledModels.spec(BundledModels.DEFAULT));
    }

    /** Hard-links the 90 MB model when the file system allows it, else copies it. */
    private static void linkModel(Path dir) throws IOException {
        try {
            Files.createLink(dir.resolve("model.onnx"), bundledDir.resolve("model.onnx"));
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(bundledDir.resolve("model.onnx"), dir.resolve("model.onnx"));
        }
    }

    private static Path userModel(Path dir) throws IOException {
        linkModel(dir);
        Files.copy(bundledDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        return dir;
    }

    @Test
    void aUserDirectoryWithMiniLmMatchesTheBundledModel(@TempDir Path dir) throws IOException {
        userModel(dir);
        try (OnnxEmbedder bundled = OnnxEmbedder.builder().build();
             OnnxEmbedder own = OnnxEmbedder.builder().modelDirectory(dir).maxTokens(256).build()) {
            assertTrue(own.modelId().matches("onnx-[0-9a-f]{12}-mean-normalized-256"), own.modelId());
            assertEquals(384, own.dimension());
            String text = "A man is eating a piece of bread.";
            assertArrayEquals(bundled.embed(text), own.embed(text), 1e-6f);
        }
    }

    @Test
    void theDerivedIdFollowsPoolingAndAnExplicitIdIsKept(@TempDir Path dir) throws IOException {
        userModel(dir);
        try (OnnxEmbedder cls = OnnxEmbedder.builder().modelDirectory(dir).pooling(Pooling.CLS).build();
             OnnxEmbedder mean = OnnxEmbedder.builder().modelDirectory(dir).build();
             OnnxEmbedder named = OnnxEmbedder.builder().modelDirectory(dir).modelId("my-minilm").build()) {
            assertTrue(cls.modelId().endsWith("-cls-normalized-512"), cls.modelId());
            assertTrue(mean.modelId().endsWith("-mean-normalized-512"), mean.modelId());
            assertNotEquals(cls.modelId(), mean.modelId());
            assertEquals("my-minilm", named.modelId());
        }
    }

    @Test
    void aMissingDirectoryIsReported(@TempDir Path dir) {
        EmbeddingException e = assertThrows(EmbeddingException.class,
                () -> OnnxEmbedder.builder().modelDirectory(dir.resolve("nope")).build());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aMissingTokenizerIsReported(@TempDir Path dir) throws IOException {
        linkModel(dir);
        EmbeddingException e = assertThrows(EmbeddingException.class,
                () -> OnnxEmbedder.builder().modelDirectory(dir).build());
        assertTrue(e.getMessage().contains("no tokenizer.json"), e.getMessage());
    }

    @Test
    void aMissingModelIsReported(@TempDir Path dir) throws IOException {
        Files.copy(bundledDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        EmbeddingException e = assertThrows(EmbeddingException.class,
                () -> OnnxEmbedder.builder().modelDirectory(dir).build());
        assertTrue(e.getMessage().contains("no model.onnx"), e.getMessage());
    }

    @Test
    void aCorruptModelFileIsReported(@TempDir Path dir) throws IOException {
        Files.copy(bundledDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        EmbeddingException e = assertThrows(EmbeddingException.class,
                () -> OnnxEmbedder.builder().modelDirectory(dir).build());
        assertTrue(e.getMessage().contains("Could not load the ONNX model"), e.getMessage());
    }

    @Test
    void aCorruptTokenizerIsReported(@TempDir Path dir) throws IOException {
        linkModel(dir);
        Files.writeString(dir.resolve("tokenizer.json"), "{ this is not a tokenizer");
        EmbeddingException e = assertThrows(EmbeddingException.class,
                () -> OnnxEmbedder.builder().modelDirectory(dir).build());
        assertTrue(e.getMessage().contains("Could not load the tokenizer"), e.getMessage());
    }

    @Test
    void anOutputOfTheWrongRankIsReported(@TempDir Path dir) throws IOException {
        Files.copy(bundledDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        TinyOnnx.writeRank2Model(dir.resolve("model.onnx"), "last_hidden_state");
        EmbeddingException e = assertThrows(EmbeddingException.class,
                () -> OnnxEmbedder.builder().modelDirectory(dir).build());
        assertTrue(e.getMessage().contains("shape [batch, tokens, dimension]"), e.getMessage());
    }

    @Test
    void aModelWithoutTokenEmbeddingsIsReported(@TempDir Path dir) throws IOException {
        Files.copy(bundledDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        TinyOnnx.writeRank2Model(dir.resolve("model.onnx"), "logits", "pooled");
        EmbeddingException e = assertThrows(EmbeddingException.class,
                () -> OnnxEmbedder.builder().modelDirectory(dir).pooling(Pooling.CLS).build());
        assertTrue(e.getMessage().contains("no output named last_hidden_state"), e.getMessage());
        assertTrue(e.getMessage().contains("logits"), e.getMessage());
    }
}
