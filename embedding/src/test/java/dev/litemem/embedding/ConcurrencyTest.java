package dev.litemem.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

    @Test
    void eightThreadsAtOnceGetTheSameVectorsAsSerial() throws Exception {
        List<List<String>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 20 + t * 3; i++) {
                texts.add(TestTexts.words(1 + (i * 13 + t * 7) % 60, t * 1000L + i));
            }
            work.add(texts);
        }
        try (OnnxEmbedder embedder = OnnxEmbedder.builder().threads(2).build()) {
            List<List<float[]>> serial = new ArrayList<>();
            for (List<String> texts : work) {
                serial.add(embedder.embed(texts).vectors());
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<List<float[]>>> futures = new ArrayList<>();
                for (List<String> texts : work) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        return embedder.embed(texts).vectors();
                    }));
                }
                start.countDown();
                for (int t = 0; t < work.size(); t++) {
                    List<float[]> concurrent = futures.get(t).get();
                    assertEquals(serial.get(t).size(), concurrent.size());
                    for (int i = 0; i < concurrent.size(); i++) {
                        assertArrayEquals(serial.get(t).get(i), concurrent.get(i), 1e-6f, "thread " + t + " text " + i);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void closingWhileAnotherThreadEmbedsNeitherCrashesNorCorruptsTheCall() throws Exception {
        // threads(1) gives this embedder a model of its own, which close really frees.
        OnnxEmbedder embedder = OnnxEmbedder.builder().threads(1).build();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            texts.add(TestTexts.words(150, i));
        }
        CountDownLatch calling = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> call = pool.submit(() -> {
                calling.countDown();
                try {
                    return embedder.embed(texts).vectors().size();
                } catch (EmbeddingException closed) {
                    return -1;
                }
            });
            calling.await();
            embedder.close();
            int outcome = call.get();
            // Either the call got in first and completed in full, or it was refused as closed.
            org.junit.jupiter.api.Assertions.assertTrue(outcome == texts.size() || outcome == -1, "got " + outcome);
            org.junit.jupiter.api.Assertions.assertThrows(EmbeddingException.class, () -> embedder.embed("after"));
        } finally {
            pool.shutdownNow();
        }
    }
}
