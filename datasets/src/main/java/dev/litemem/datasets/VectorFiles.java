package dev.litemem.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Whole-file reads and writes of fvecs, ivecs and bvecs files; see {@link VectorFileReader} for streaming. */
public final class VectorFiles {
    private VectorFiles() {
    }

    public static float[][] readFvecs(Path file) {
        return readFloats(file, VectorFormat.FVECS, Integer.MAX_VALUE);
    }

    /** Reads at most the first {@code limit} vectors. */
    public static float[][] readFvecs(Path file, int limit) {
        return readFloats(file, VectorFormat.FVECS, limit);
    }

    /** Reads a bvecs file, converting each unsigned byte to a float 0..255. */
    public static float[][] readBvecs(Path file) {
        return readFloats(file, VectorFormat.BVECS, Integer.MAX_VALUE);
    }

    public static float[][] readBvecs(Path file, int limit) {
        return readFloats(file, VectorFormat.BVECS, limit);
    }

    public static int[][] readIvecs(Path file) {
        return readIvecs(file, Integer.MAX_VALUE);
    }

    public static int[][] readIvecs(Path file, int limit) {
        requireNonNegative(limit);
        List<int[]> vectors = new ArrayList<>();
        try (VectorFileReader reader = VectorFileReader.open(file, VectorFormat.IVECS)) {
            while (vectors.size() < limit && reader.hasNext()) {
                vectors.add(reader.nextInts());
            }
        }
        return vectors.toArray(new int[0][]);
    }

    public static void writeFvecs(Path file, float[][] vectors) {
        try (VectorFileWriter writer = VectorFileWriter.create(file, VectorFormat.FVECS)) {
            for (float[] vector : vectors) {
                writer.write(vector);
            }
        }
    }

    public static void writeIvecs(Path file, int[][] vectors) {
        try (VectorFileWriter writer = VectorFileWriter.create(file, VectorFormat.IVECS)) {
            for (int[] vector : vectors) {
                writer.write(vector);
            }
        }
    }

    private static float[][] readFloats(Path file, VectorFormat format, int limit) {
        requireNonNegative(limit);
        List<float[]> vectors = new ArrayList<>();
        try (VectorFileReader reader = VectorFileReader.open(file, format)) {
            while (vectors.size() < limit && reader.hasNext()) {
                vectors.add(reader.nextFloats());
            }
        }
        return vectors.toArray(new float[0][]);
    }

    private static void requireNonNegative(int limit) {
        if (limit < 0) {
            throw new DatasetException("limit must be >= 0, got " + limit);
        }
    }
}
