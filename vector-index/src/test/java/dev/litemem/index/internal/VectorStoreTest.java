package dev.litemem.index.internal;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorStoreTest {

    @Test
    void slotsKeepTheirVectorsAndLabelsAcrossChunkGrowthAndNewChunks() {
        int dimension = 5;
        VectorStore store = new VectorStore(dimension, true);
        Random random = new Random(3);
        int count = 2 * VectorStore.CHUNK_VECTORS + 77; // the first chunk grows from 16, then two whole chunks
        float[][] vectors = new float[count][dimension];
        for (int i = 0; i < count; i++) {
            for (int d = 0; d < dimension; d++) {
                vectors[i][d] = random.nextFloat();
            }
            assertEquals(i, store.append(1000L + i, vectors[i], 31 * i));
        }
        assertEquals(count, store.size());
        for (int i = 0; i < count; i++) {
            assertEquals(1000L + i, store.label(i), "label of slot " + i);
            assertEquals(31 * i, store.sourceHash(i), "source hash of slot " + i);
            assertArrayEquals(vectors[i], store.copy(i), "vector of slot " + i);
            float[] chunk = store.chunk(i);
            int offset = store.offset(i);
            assertEquals(vectors[i][dimension - 1], chunk[offset + dimension - 1]);
            assertTrue(store.equalsVector(i, vectors[i]));
            byte[] codes = store.codeChunks()[i >>> VectorStore.CHUNK_SHIFT];
            int codeOffset = store.codeOffset(i);
            float scale = store.scale(codes, codeOffset);
            for (int d = 0; d < dimension; d++) {
                assertEquals(vectors[i][d], scale * codes[codeOffset + d], scale / 2 + 1e-7f, "code " + d + " of slot " + i);
            }
            assertFalse(store.equalsVector(i, vectors[(i + 1) % count]));
        }
    }

    @Test
    void aSmallStoreStaysSmall() {
        VectorStore store = new VectorStore(384, false);
        for (int i = 0; i < 10; i++) {
            store.append(i, new float[384], 0);
        }
        // 16 vectors of 384 floats, 16 labels and hashes, not a whole chunk of 4096 vectors (6 MB).
        assertTrue(store.bytes() < 30_000, "bytes: " + store.bytes());
    }

    @Test
    void codesOfAZeroVectorAreZeroAndTheLargestComponentMapsTo127() {
        VectorStore store = new VectorStore(3, true);
        int zero = store.append(1, new float[3], 0);
        int mixed = store.append(2, new float[] {-0.5f, 0.25f, 0.1f}, 0);
        byte[] codes = store.codeChunks()[0];
        assertEquals(0f, store.scale(codes, store.codeOffset(zero)));
        assertEquals(0, codes[store.codeOffset(zero)]);
        assertEquals(-127, codes[store.codeOffset(mixed)]);
        assertEquals(64, codes[store.codeOffset(mixed) + 1]);
        assertEquals(0.5f / 127, store.scale(codes, store.codeOffset(mixed)));
    }

    @Test
    void appendCopiesTheCallersArray() {
        VectorStore store = new VectorStore(2, true);
        float[] vector = {1, 2};
        int slot = store.append(9, vector, 0);
        vector[0] = 42;
        assertArrayEquals(new float[] {1, 2}, store.copy(slot));
    }
}
