package dev.litemem.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our pipeline against langchain4j's independent one on the same ONNX file (it cuts at 128 tokens, so stay under). */
class LangChain4jParityTest {

    @Test
    void everyComponentAgreesWithLangChain4jOnVariedTexts() {
        List<String> texts = TestTexts.varied();
        assertTrue(texts.size() >= 50, "need at least 50 texts, have " + texts.size());
        // Our embedder first: DJL's engine must create the ONNX Runtime environment before langchain4j does.
        try (OnnxEmbedder ours = OnnxEmbedder.builder().build()) {
            List<float[]> mine = ours.embed(texts).vectors();
            AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
            List<TextSegment> segments = new ArrayList<>();
            texts.forEach(t -> segments.add(TextSegment.from(t)));
            List<dev.langchain4j.data.embedding.Embedding> theirs = reference.embedAll(segments).content();

            assertEquals(texts.size(), theirs.size());
            double worstDiff = 0;
            double worstCosine = 1;
            for (int i = 0; i < texts.size(); i++) {
                float[] expected = theirs.get(i).vector();
                assertEquals(expected.length, mine.get(i).length);
                worstDiff = Math.max(worstDiff, Vectors.maxAbsDiff(expected, mine.get(i)));
                worstCosine = Math.min(worstCosine, Vectors.cosine(expected, mine.get(i)));
                assertTrue(Vectors.maxAbsDiff(expected, mine.get(i)) <= 1e-4, "text " + i);
                assertTrue(Vectors.cosine(expected, mine.get(i)) >= 0.9999, "text " + i);
            }
            System.out.printf("parity over %d texts: max |diff| %.2e, min cosine %.8f%n", texts.size(), worstDiff,
                    worstCosine);
        }
    }
}
