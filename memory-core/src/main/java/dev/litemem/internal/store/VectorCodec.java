package dev.litemem.internal.store;

import dev.litemem.LiteMemException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Embeddings are stored as little-endian float32 BLOBs, 4 bytes per component. */
public final class VectorCodec {
    private VectorCodec() {
    }

    public static byte[] encode(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    public static float[] decode(byte[] blob) {
        if (blob == null) {
            return null;
        }
        if (blob.length % Float.BYTES != 0) {
            throw new LiteMemException("a stored embedding has " + blob.length + " bytes, not a multiple of 4: the file was"
                    + " changed outside LiteMem; delete and re-add that record");
        }
        return floats(blob);
    }

    /**
     * A record's stored vector for reading it back, or null when the BLOB cannot be a vector at all (its length is not a
     * multiple of 4: changed outside LiteMem). The record's text and metadata stay readable; the index leaves such
     * rows out and counts them.
     */
    public static float[] decodeOrNull(byte[] blob) {
        return blob == null || blob.length % Float.BYTES != 0 ? null : floats(blob);
    }

    /**
     * The stored vector when it can be used for similarity: exactly {@code dimension} finite components and, where
     * {@code nonZero}, not all zero. Null otherwise (a row damaged outside LiteMem, since every write is checked).
     */
    public static float[] decodeUsable(byte[] blob, int dimension, boolean nonZero) {
        if (blob == null || blob.length != dimension * Float.BYTES) {
            return null;
        }
        float[] v = floats(blob);
        boolean anyNonZero = false;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return null;
            }
            anyNonZero |= x != 0;
        }
        return nonZero && !anyNonZero ? null : v;
    }

    private static float[] floats(byte[] blob) {
        float[] vector = new float[blob.length / Float.BYTES];
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }
}
