package dev.litemem.datasets;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes an fvecs or ivecs file vector by vector, replacing any existing file. Every vector must have the dimension of
 * the first. Not thread-safe.
 */
public final class VectorFileWriter implements Closeable {
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path file;
    private final VectorFormat format;
    private final FileChannel channel;
    private ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private int dimension;
    private long count;

    private VectorFileWriter(Path file, VectorFormat format, FileChannel channel) {
        this.file = file;
        this.format = format;
        this.channel = channel;
    }

    /** Creates or truncates {@code file}. Writing bvecs is not supported. */
    public static VectorFileWriter create(Path file, VectorFormat format) {
        if (format == VectorFormat.BVECS) {
            throw new DatasetException("writing bvecs is not supported; write fvecs instead");
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            return new VectorFileWriter(file, format, channel);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot create (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Appends one vector to an fvecs file. */
    public void write(float[] vector) {
        if (format != VectorFormat.FVECS) {
            throw new DatasetException(file + ": this writer makes an ivecs file; pass int[] vectors");
        }
        startRecord(vector.length);
        for (float component : vector) {
            buffer.putFloat(component);
        }
    }

    /** Appends one vector to an ivecs file. */
    public void write(int[] vector) {
        if (format != VectorFormat.IVECS) {
            throw new DatasetException(file + ": this writer makes an fvecs file; pass float[] vectors");
        }
        startRecord(vector.length);
        for (int component : vector) {
            buffer.putInt(component);
        }
    }

    /** Vectors written so far. */
    public long count() {
        return count;
    }

    private void startRecord(int length) {
        if (length == 0 || length > VectorFileReader.MAX_DIMENSION) {
            throw new DatasetException(file + ": vector " + count + " has dimension " + length
                    + "; dimensions must be in 1.." + VectorFileReader.MAX_DIMENSION);
        }
        if (count == 0) {
            dimension = length;
        } else if (length != dimension) {
            throw new DatasetException(file + ": vector " + count + " has dimension " + length
                    + " but the first vector has " + dimension + "; all vectors of a file must have the same dimension");
        }
        int record = (int) format.recordBytes(length);
        if (buffer.remaining() < record) {
            flush();
            if (buffer.capacity() < record) {
                buffer = ByteBuffer.allocate(record).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        buffer.putInt(length);
        count++;
    }

    private void flush() {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new DatasetException(file + ": write failed (" + e.getClass().getSimpleName() + ")", e);
        }
        buffer.clear();
    }

    /** Flushes the remaining vectors and closes the file. */
    @Override
    public void close() {
        try {
            flush();
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                throw new DatasetException(file + ": close failed", e);
            }
        }
    }
}
