package dev.litemem.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Embeddings;
import dev.litemem.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxEmbedderTest {
    private static OnnxEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = OnnxEmbedder.builder().build();
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void defaultModelIsMiniLmWith384NormalizedDimensions() {
        assertEquals("all-minilm-l6-v2", embedder.modelId());
        assertEquals(384, embedder.dimension());
        assertEquals(256, embedder.maxTokens());
        float[] vector = embedder.embed("A man is eating food.");
        assertEquals(384, vector.length);
        assertEquals(1.0, Vectors.norm(vector), 1e-5);
    }

    @Test
    void relatedSentencesAreMuchCloserThanUnrelatedOnes() {
        List<float[]> v = embedder.embed(List.of("A man is eating food.", "A man is eating a piece of bread.",
                "The girl is carrying a baby.")).vectors();
        double related = Vectors.cosine(v.get(0), v.get(1));
        double unrelated = Vectors.cosine(v.get(0), v.get(2));
        assertEquals(0.7553, related, 0.001);
        assertEquals(-0.1050, unrelated, 0.001);
    }

    @Test
    void aTextAloneAndInAMixedBatchGetTheSameVector() {
        String target = "SQLite stores the whole database in a single file.";
        float[] alone = embedder.embed(target);
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(TestTexts.words(1 + i * 5, i));
        }
        batch.add(17, target);
        float[] inBatch = embedder.embed(batch).vectors().get(17);
        assertTrue(Vectors.maxAbsDiff(alone, inBatch) <= 1e-6, "max diff " + Vectors.maxAbsDiff(alone, inBatch));
    }

    @Test
    void vectorsComeBackInInputOrder() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            // Lengths deliberately out of order so sorting by length would scramble a careless implementation.
            texts.add(TestTexts.words(1 + (i * 37) % 90, i));
        }
        List<float[]> together = embedder.embed(texts).vectors();
        assertEquals(texts.size(), together.size());
        for (int i : new int[] {0, 1, 13, 42, 69}) {
            float[] alone = embedder.embed(texts.get(i));
            assertTrue(Vectors.maxAbsDiff(alone, together.get(i)) <= 1e-6, "text " + i);
        }
    }

    @Test
    void truncationAtTheTokenLimitIsCounted() {
        long before = embedder.truncatedTotal();
        Embeddings one = embedder.embed(List.of(TestTexts.words(1000, 1)));
        assertEquals(1, one.truncated());
        Embeddings mixed = embedder.embed(List.of("short", TestTexts.words(1000, 2), TestTexts.words(100, 3),
                TestTexts.words(400, 4)));
        assertEquals(2, mixed.truncated());
        assertEquals(0, embedder.embed(List.of(TestTexts.words(200, 5))).truncated());
        assertEquals(before + 3, embedder.truncatedTotal());
    }

    @Test
    void aTextCutAtTheLimitEqualsItsFirst256Tokens() {
        // 254 one-token words + [CLS] + [SEP] = 256 tokens: the longer text must embed identically.
        String head = String.join(" ", java.util.Collections.nCopies(254, "river"));
        float[] exact = embedder.embed(head);
        float[] cut = embedder.embed(head + " boats boats boats");
        assertArrayEquals(exact, cut);
        assertEquals(0, embedder.embed(List.of(head)).truncated());
    }

    @Test
    void emptyNullAndWhitespaceTextsAreRefusedWithTheirPosition() {
        InvalidInputException empty = assertThrows(InvalidInputException.class,
                () -> embedder.embed(List.of("fine", "")));
        assertEquals("texts[1]", empty.field());
        InvalidInputException blank = assertThrows(InvalidInputException.class,
                () -> embedder.embed(List.of("fine", "ok", " \t\n ")));
        assertEquals("texts[2]", blank.field());
        InvalidInputException nul = assertThrows(InvalidInputException.class,
                () -> embedder.embed(Arrays.asList((String) null)));
        assertEquals("texts[0]", nul.field());
        assertThrows(InvalidInputException.class, () -> embedder.embed((List<String>) null));
        assertEquals("texts[0]", assertThrows(InvalidInputException.class, () -> embedder.embed("")).field());
        assertEquals("texts[0]", assertThrows(InvalidInputException.class, () -> embedder.embed((String) null)).field());
    }

    @Test
    void anEmptyListGivesNoVectors() {
        Embeddings none = embedder.embed(List.of());
        assertEquals(0, none.vectors().size());
        assertEquals(0, none.truncated());
    }

    @Test
    void modelIdChangesWithEverySettingThatChangesVectors() {
        try (OnnxEmbedder cls = OnnxEmbedder.builder().pooling(Pooling.CLS).build();
             OnnxEmbedder raw = OnnxEmbedder.builder().normalize(false).build();
             OnnxEmbedder short128 = OnnxEmbedder.builder().maxTokens(128).build();
             OnnxEmbedder batched = OnnxEmbedder.builder().batchSize(4).build()) {
            assertEquals("all-minilm-l6-v2+cls", cls.modelId());
            assertEquals("all-minilm-l6-v2+raw", raw.modelId());
            assertEquals("all-minilm-l6-v2+max128", short128.modelId());
            assertEquals("all-minilm-l6-v2", batched.modelId());

            String text = "The quick brown fox jumps over the lazy dog.";
            float[] mean = embedder.embed(text);
            float[] first = cls.embed(text);
            assertTrue(Vectors.cosine(mean, first) < 0.99, "CLS pooling must differ from mean pooling");
            float[] unnormalized = raw.embed(text);
            assertTrue(Math.abs(Vectors.norm(unnormalized) - 1) > 0.01);
            assertEquals(1.0, Vectors.cosine(mean, unnormalized), 1e-6);
            assertEquals(1, short128.embed(List.of(TestTexts.words(200, 9))).truncated());
        }
    }

    @Test
    void aClosedEmbedderRefusesWork() {
        OnnxEmbedder own = OnnxEmbedder.builder().build();
        own.close();
        own.close();
        assertThrows(EmbeddingException.class, () -> own.embed("still there?"));
        // The shared model stays loaded for the other holders.
        assertEquals(384, embedder.embed("still here").length);
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(EmbeddingException.class, () -> OnnxEmbedder.builder().batchSize(0).build());
        assertThrows(EmbeddingException.class, () -> OnnxEmbedder.builder().threads(0).build());
        assertThrows(EmbeddingException.class, () -> OnnxEmbedder.builder().maxTokens(1).build());
        EmbeddingException unknown = assertThrows(EmbeddingException.class,
                () -> OnnxEmbedder.builder().bundled("no-such-model").build());
        assertTrue(unknown.getMessage().contains("all-minilm-l6-v2"), unknown.getMessage());
    }
}
