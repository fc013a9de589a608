package dev.litemem.index.internal.oracle;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;

/**
 * Reads the graph out of what hnswlib-core 1.2.1's public {@code HnswIndex.save(OutputStream)} writes (Java
 * serialization whose custom writeObject lays out, in order: version, dimensions, the distance function,
 * comparator and two serializers, capacity, m, maxM, maxM0, level lambda, ef, efConstruction, removeEnabled, node
 * count, the label lookup, the deleted versions, every node slot (id, then per level the count and ids, the item,
 * the deleted flag), the entry point id and the immutable flag). Deserialization resolves hnswlib-core's class name
 * to this class, which Java serialization accepts because the simple names and serialVersionUID match, and whose
 * readObject reads that layout. No private field of the library is touched: this is its published persistence.
 */
public final class HnswIndex implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String LIBRARY_CLASS = "com.github.jelmerk.hnswlib.core.hnsw.HnswIndex";

    /** Per node id: per level, the neighbour ids; null for an empty slot. */
    private transient int[][][] links;
    private transient boolean[] deleted;
    private transient int nodeCount;
    private transient int entryPoint;

    /** The graph of an index, through its {@code save} output. */
    public static HnswIndex read(Saver saver) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        saver.save(bytes);
        try (ObjectInputStream in = new Resolving(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (HnswIndex) in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException(e);
        }
    }

    /** hnswlib-core's {@code save(OutputStream)}. */
    public interface Saver {
        void save(OutputStream out) throws IOException;
    }

    public int nodeCount() {
        return nodeCount;
    }

    public int entryPoint() {
        return entryPoint;
    }

    public boolean deleted(int node) {
        return deleted[node];
    }

    /** Node {@code node}'s lists, one per level 0..its level. */
    public int[][] links(int node) {
        return links[node];
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.readByte(); // version
        in.readInt(); // dimensions
        for (int i = 0; i < 4; i++) {
            in.readObject(); // distance function, comparator, id and item serializers
        }
        in.readInt(); // capacity
        in.readInt(); // m
        in.readInt(); // maxM
        in.readInt(); // maxM0
        in.readDouble(); // level lambda
        in.readInt(); // ef
        in.readInt(); // efConstruction
        in.readBoolean(); // removeEnabled
        nodeCount = in.readInt();
        int lookup = in.readInt();
        for (int i = 0; i < lookup; i++) {
            in.readObject();
            in.readInt();
        }
        int deletedVersions = in.readInt();
        for (int i = 0; i < deletedVersions; i++) {
            in.readObject();
            in.readLong();
        }
        int slots = in.readInt();
        links = new int[slots][][];
        deleted = new boolean[slots];
        for (int slot = 0; slot < slots; slot++) {
            int id = in.readInt();
            if (id == -1) {
                continue;
            }
            int levels = in.readInt();
            links[id] = new int[levels][];
            for (int level = 0; level < levels; level++) {
                int count = in.readInt();
                links[id][level] = new int[count];
                for (int i = 0; i < count; i++) {
                    links[id][level][i] = in.readInt();
                }
            }
            in.readObject(); // the item
            deleted[id] = in.readBoolean();
        }
        entryPoint = in.readInt();
        in.readBoolean(); // immutable
    }

    /** Resolves hnswlib-core's index class to this one. */
    private static final class Resolving extends ObjectInputStream {
        Resolving(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            return desc.getName().equals(LIBRARY_CLASS) ? HnswIndex.class : super.resolveClass(desc);
        }
    }
}
