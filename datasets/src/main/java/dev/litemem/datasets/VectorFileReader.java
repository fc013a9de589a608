package dev.litemem.datasets;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Streams the vectors of an fvecs, ivecs or bvecs file one at a time, checking that every vector is complete and has
 * the dimension of the first. Not thread-safe.
 */
public final class VectorFileReader implements Closeable {
    /** Larger dimensions are taken as a sign that the file is not in the expected format. */
    static final int MAX_DIMENSION = 1 << 20;
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path file;
    private final VectorFormat format;
    private final FileChannel channel;
    private final long size;
    private final int dimension;
    private final ByteBuffer buffer;
    private long position;
    private long index;

    private VectorFileReader(Path file, VectorFormat format) throws IOException {
        this.file = file;
        this.format = format;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            this.size = channel.size();
            if (size == 0) {
                this.dimension = 0;
            } else {
                if (size < Integer.BYTES) {
                    throw new DatasetException(file + ": truncated " + name() + " file (" + size
                            + " bytes, less than one dimension header)");
                }
                ByteBuffer header = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                channel.read(header, 0);
                int first = header.getInt(0);
                if (first <= 0 || first > MAX_DIMENSION) {
                    throw new DatasetException(file + ": first vector has dimension " + first + "; this is not a "
                            + name() + " file (expected a little-endian int32 dimension in 1.." + MAX_DIMENSION + ")");
                }
                this.dimension = first;
            }
            long record = format.recordBytes(Math.max(dimension, 1));
            this.buffer = ByteBuffer.allocate((int) Math.max(BUFFER_BYTES, record)).order(ByteOrder.LITTLE_ENDIAN);
            buffer.flip();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Opens {@code file}; throws {@link DatasetException} if it is missing or does not start like the format. */
    public static VectorFileReader open(Path file, VectorFormat format) {
        try {
            return new VectorFileReader(file, format);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": file not found", e);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot open (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    public VectorFormat format() {
        return format;
    }

    /** Dimension of every vector in the file; 0 for an empty file. */
    public int dimension() {
        return dimension;
    }

    /** Number of vectors the file holds if it is well formed (file size / record size, rounded down). */
    public long vectorCountEstimate() {
        return dimension == 0 ? 0 : size / format.recordBytes(dimension);
    }

    /** Whether bytes remain; a truncated tail makes this true and the next read throw. */
    public boolean hasNext() {
        return position < size;
    }

    /** Next vector of an fvecs or bvecs file (bvecs bytes become floats 0..255). */
    public float[] nextFloats() {
        if (format == VectorFormat.IVECS) {
            throw new DatasetException(file + ": an ivecs file holds int vectors; use nextInts()");
        }
        readRecord();
        float[] vector = new float[dimension];
        if (format == VectorFormat.FVECS) {
            buffer.asFloatBuffer().get(vector);
            buffer.position(buffer.position() + dimension * Float.BYTES);
        } else {
            for (int i = 0; i < dimension; i++) {
                vector[i] = buffer.get() & 0xFF;
            }
        }
        return vector;
    }

    /** Next vector of an ivecs file. */
    public int[] nextInts() {
        if (format != VectorFormat.IVECS) {
            throw new DatasetException(file + ": a " + name() + " file holds float vectors; use nextFloats()");
        }
        readRecord();
        int[] vector = new int[dimension];
        buffer.asIntBuffer().get(vector);
        buffer.position(buffer.position() + dimension * Integer.BYTES);
        return vector;
    }

    /** Positions the buffer at the first component of the next vector, after validating its header. */
    private void readRecord() {
        if (!hasNext()) {
            throw new DatasetException(file + ": no more vectors (all " + index + " were read)");
        }
        long remaining = size - position;
        if (remaining < Integer.BYTES) {
            throw new DatasetException(file + ": truncated after vector " + index + " (" + remaining
                    + " trailing bytes, less than a dimension header)");
        }
        fill(Integer.BYTES);
        int vectorDimension = buffer.getInt();
        if (vectorDimension != dimension) {
            throw new DatasetException(file + ": vector " + index + " has dimension " + vectorDimension
                    + " but the first vector has " + dimension + "; all vectors of a " + name()
                    + " file must have the same dimension");
        }
        int bodyBytes = dimension * format.componentBytes();
        if (remaining - Integer.BYTES < bodyBytes) {
            throw new DatasetException(file + ": truncated in vector " + index + " (needs " + bodyBytes
                    + " bytes of components, " + (remaining - Integer.BYTES) + " remain)");
        }
        fill(bodyBytes);
        position += format.recordBytes(dimension);
        index++;
    }

    /** Makes at least {@code bytes} readable in the buffer; the caller checked that the file has them. */
    private void fill(int bytes) {
        if (buffer.remaining() >= bytes) {
            return;
        }
        buffer.compact();
        try {
            while (buffer.position() < bytes) {
                if (channel.read(buffer) < 0) {
                    throw new EOFException();
                }
            }
        } catch (IOException e) {
            throw new DatasetException(file + ": read failed in vector " + index + " ("
                    + e.getClass().getSimpleName() + "); was the file changed while being read?", e);
        }
        buffer.flip();
    }

    private String name() {
        return format.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new DatasetException(file + ": close failed", e);
        }
    }
}
