package dev.litemem.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorFilesTest {
    @TempDir
    Path dir;

    @Test
    void fvecsHasTheStandardLittleEndianLayout() throws IOException {
        Path file = dir.resolve("two.fvecs");
        VectorFiles.writeFvecs(file, new float[][] {{1.5f, -2f}, {0f, 3.25f}});
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2 * (4 + 2 * 4), bytes.remaining());
        assertEquals(2, bytes.getInt());
        assertEquals(1.5f, bytes.getFloat());
        assertEquals(-2f, bytes.getFloat());
        assertEquals(2, bytes.getInt());
        assertEquals(0f, bytes.getFloat());
        assertEquals(3.25f, bytes.getFloat());
    }

    @Test
    void fvecsAndIvecsRoundTripAcrossBufferBoundaries() {
        // 3000 vectors of 37 floats span several 64 KiB read buffers with records split between refills.
        float[][] floats = new float[3000][37];
        int[][] ints = new int[3000][37];
        for (int i = 0; i < floats.length; i++) {
            for (int j = 0; j < 37; j++) {
                floats[i][j] = i * 0.5f - j * 1e-3f;
                ints[i][j] = i * 1000 - j;
            }
        }
        Path fvecs = dir.resolve("a.fvecs");
        Path ivecs = dir.resolve("a.ivecs");
        VectorFiles.writeFvecs(fvecs, floats);
        VectorFiles.writeIvecs(ivecs, ints);

        assertTrue(Arrays.deepEquals(floats, VectorFiles.readFvecs(fvecs)));
        assertTrue(Arrays.deepEquals(ints, VectorFiles.readIvecs(ivecs)));
        assertEquals(10, VectorFiles.readFvecs(fvecs, 10).length);
        assertArrayEquals(ints[1], VectorFiles.readIvecs(ivecs, 2)[1]);
    }

    @Test
    void streamingReaderReportsDimensionAndCount() {
        Path file = dir.resolve("s.fvecs");
        try (VectorFileWriter writer = VectorFileWriter.create(file, VectorFormat.FVECS)) {
            for (int i = 0; i < 5; i++) {
                writer.write(new float[] {i, i + 1, i + 2});
            }
            assertEquals(5, writer.count());
        }
        try (VectorFileReader reader = VectorFileReader.open(file, VectorFormat.FVECS)) {
            assertEquals(3, reader.dimension());
            assertEquals(5, reader.vectorCountEstimate());
            int read = 0;
            while (reader.hasNext()) {
                assertArrayEquals(new float[] {read, read + 1, read + 2}, reader.nextFloats());
                read++;
            }
            assertEquals(5, read);
            assertThrows(DatasetException.class, reader::nextFloats);
            assertThrows(DatasetException.class, reader::nextInts);
        }
    }

    @Test
    void bvecsBytesAreReadAsUnsignedFloats() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(2 * (4 + 3)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(3).put((byte) 0).put((byte) 128).put((byte) 255);
        bytes.putInt(3).put((byte) 7).put((byte) 1).put((byte) 200);
        Path file = dir.resolve("b.bvecs");
        Files.write(file, bytes.array());
        float[][] vectors = VectorFiles.readBvecs(file);
        assertArrayEquals(new float[] {0, 128, 255}, vectors[0]);
        assertArrayEquals(new float[] {7, 1, 200}, vectors[1]);
        assertEquals(1, VectorFiles.readBvecs(file, 1).length);
    }

    @Test
    void emptyFileHoldsNoVectors() throws IOException {
        Path file = dir.resolve("empty.fvecs");
        Files.write(file, new byte[0]);
        assertEquals(0, VectorFiles.readFvecs(file).length);
        try (VectorFileReader reader = VectorFileReader.open(file, VectorFormat.FVECS)) {
            assertEquals(0, reader.dimension());
            assertFalse(reader.hasNext());
        }
    }

    @Test
    void truncatedFilesNameTheBrokenVector() throws IOException {
        Path file = dir.resolve("t.fvecs");
        VectorFiles.writeFvecs(file, new float[][] {{1, 2, 3}, {4, 5, 6}});
        byte[] whole = Files.readAllBytes(file);

        Files.write(file, Arrays.copyOf(whole, whole.length - 1));
        DatasetException inBody = assertThrows(DatasetException.class, () -> VectorFiles.readFvecs(file));
        assertTrue(inBody.getMessage().contains("truncated in vector 1"), inBody.getMessage());

        Files.write(file, Arrays.copyOf(whole, 16 + 2));
        DatasetException inHeader = assertThrows(DatasetException.class, () -> VectorFiles.readFvecs(file));
        assertTrue(inHeader.getMessage().contains("truncated after vector 1"), inHeader.getMessage());

        Files.write(file, Arrays.copyOf(whole, 3));
        assertThrows(DatasetException.class, () -> VectorFiles.readFvecs(file));
    }

    @Test
    void inconsistentDimensionsAreRejectedOnReadAndWrite() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 + 8 + 4 + 12).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(2).putFloat(1).putFloat(2).putInt(3).putFloat(1).putFloat(2).putFloat(3);
        Path file = dir.resolve("mixed.fvecs");
        Files.write(file, bytes.array());
        DatasetException read = assertThrows(DatasetException.class, () -> VectorFiles.readFvecs(file));
        assertTrue(read.getMessage().contains("vector 1 has dimension 3"), read.getMessage());

        DatasetException write = assertThrows(DatasetException.class,
                () -> VectorFiles.writeIvecs(dir.resolve("mixed.ivecs"), new int[][] {{1, 2}, {1}}));
        assertTrue(write.getMessage().contains("vector 1 has dimension 1"), write.getMessage());
    }

    @Test
    void implausibleFirstDimensionMeansWrongFormat() throws IOException {
        Path file = dir.resolve("text.fvecs");
        Files.writeString(file, "this is not a vector file");
        DatasetException e = assertThrows(DatasetException.class, () -> VectorFiles.readFvecs(file));
        assertTrue(e.getMessage().contains("not a fvecs file"), e.getMessage());
    }

    @Test
    void missingFileAndWrongElementTypeAreClearErrors() {
        DatasetException missing = assertThrows(DatasetException.class,
                () -> VectorFiles.readIvecs(dir.resolve("nope.ivecs")));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        assertThrows(DatasetException.class, () -> VectorFileWriter.create(dir.resolve("x.bvecs"), VectorFormat.BVECS));
        try (VectorFileWriter writer = VectorFileWriter.create(dir.resolve("x.ivecs"), VectorFormat.IVECS)) {
            assertThrows(DatasetException.class, () -> writer.write(new float[] {1}));
        }
    }
}
