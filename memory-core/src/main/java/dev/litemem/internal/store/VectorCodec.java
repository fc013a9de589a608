package dev.litemem.internal.store;

import dev.litemem.LiteMemException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Embeddings are stored as little-endian float32 BLOBs, 4 bytes per component. */
public final class VectorCodec {
    private VectorCodec() {
    }

    static byte[] encode(float[] vector) {
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
        float[] vector = new float[blob.length / Float.BYTES];
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }
}
