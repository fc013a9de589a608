package dev.litemem.index.internal;

import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.CheckpointMismatchException;
import dev.litemem.index.CorruptCheckpointException;
import dev.litemem.index.HnswParams;
import dev.litemem.index.IndexException;
import dev.litemem.index.Metric;
import dev.litemem.index.UnsupportedCheckpointVersionException;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/** Reads and writes the checkpoint format described in vector-index/CHECKPOINT-FORMAT.md. */
final class CheckpointCodec {

    static final int MAGIC = 0x4C4D4847; // "LMHG"
    static final int VERSION = 1;
    static final int MAX_LEVEL = 64;
    /** label + source hash + level + one neighbour count. */
    private static final int MIN_NODE_BYTES = 8 + 4 + 1 + 2;

    private CheckpointCodec() {
    }

    /** A checkpoint's identity and graph, checked for structure. */
    record Decoded(CheckpointIdentity identity, Graph graph) {
    }

    static void write(OutputStream out, CheckpointIdentity identity, Graph graph) throws IOException {
        CRC32C crc = new CRC32C();
        CheckedOutputStream checked = new CheckedOutputStream(out, crc);
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(checked, 1 << 16));
        data.writeInt(MAGIC);
        data.writeInt(VERSION);
        data.writeUTF(identity.collectionId());
        data.writeUTF(identity.modelId());
        data.writeInt(identity.dimension());
        data.writeUTF(identity.metric().id());
        data.writeInt(identity.params().m());
        data.writeInt(identity.params().efConstruction());
        data.writeInt(identity.params().efSearch());
        data.writeInt(graph.size());
        data.writeInt(graph.maxLevel);
        data.writeInt(graph.entryPoint);
        for (int node = 0; node < graph.size(); node++) {
            data.writeLong(graph.labels[node]);
            data.writeInt(graph.sourceHashes[node]);
            int[][] levels = graph.links[node];
            data.writeByte(levels.length - 1);
            for (int[] neighbours : levels) {
                data.writeShort(neighbours.length);
                for (int neighbour : neighbours) {
                    data.writeInt(neighbour);
                }
            }
        }
        data.flush();
        int checksum = (int) crc.getValue();
        out.write(ByteBuffer.allocate(4).putInt(checksum).array());
        out.flush();
    }

    /**
     * Reads and checks a whole checkpoint. Order of checks: magic, version (newer: unsupported), CRC32C over
     * everything before the footer, then structure (every count is checked against the bytes left before anything
     * is allocated), then identity against {@code expected}.
     */
    static Decoded read(InputStream in, CheckpointIdentity expected) throws IOException {
        byte[] bytes = in.readAllBytes();
        if (bytes.length < 12) {
            throw new CorruptCheckpointException("checkpoint is truncated (" + bytes.length + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (buffer.getInt(0) != MAGIC) {
            throw new CorruptCheckpointException("not a LiteMem HNSW checkpoint (wrong magic number)");
        }
        int version = buffer.getInt(4);
        if (version > VERSION) {
            throw new UnsupportedCheckpointVersionException("checkpoint format version " + version
                    + " is newer than the version " + VERSION + " this build reads");
        }
        if (version < 1) {
            throw new CorruptCheckpointException("checkpoint format version " + version + " is not valid");
        }
        int bodyLength = bytes.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bodyLength);
        if ((int) crc.getValue() != buffer.getInt(bodyLength)) {
            throw new CorruptCheckpointException("checkpoint checksum does not match (damaged or truncated)");
        }
        try {
            return parse(new DataInputStream(new ByteArrayInputStream(bytes, 8, bodyLength - 8)), expected);
        } catch (EOFException | UTFDataFormatException e) {
            throw new CorruptCheckpointException("checkpoint structure is invalid: it ends early or has bad text", e);
        }
    }

    private static Decoded parse(DataInputStream data, CheckpointIdentity expected) throws IOException {
        String collectionId = data.readUTF();
        String modelId = data.readUTF();
        int dimension = data.readInt();
        String metricId = data.readUTF();
        int m = data.readInt();
        int efConstruction = data.readInt();
        int efSearch = data.readInt();
        CheckpointIdentity identity;
        try {
            identity = new CheckpointIdentity(collectionId, modelId, dimension, Metric.fromId(metricId),
                    new HnswParams(m, efConstruction, efSearch));
        } catch (IllegalArgumentException | IndexException e) {
            throw new CorruptCheckpointException("checkpoint header is invalid: " + e.getMessage(), e);
        }
        checkIdentity(identity, expected);

        int nodeCount = data.readInt();
        int maxLevel = data.readInt();
        int entryPoint = data.readInt();
        if (nodeCount < 0 || (long) nodeCount * MIN_NODE_BYTES > data.available()) {
            throw corrupt("node count " + nodeCount + " does not fit in the checkpoint");
        }
        if (maxLevel < -1 || maxLevel > MAX_LEVEL || (nodeCount == 0) != (maxLevel == -1)
                || (nodeCount == 0 ? entryPoint != -1 : entryPoint < 0 || entryPoint >= nodeCount)) {
            throw corrupt("max level or entry point is out of range");
        }
        long[] labels = new long[nodeCount];
        int[] hashes = new int[nodeCount];
        int[][][] links = new int[nodeCount][][];
        for (int node = 0; node < nodeCount; node++) {
            labels[node] = data.readLong();
            hashes[node] = data.readInt();
            int level = data.readUnsignedByte();
            if (level > maxLevel) {
                throw corrupt("a node's level is above the max level");
            }
            links[node] = new int[level + 1][];
            for (int l = 0; l <= level; l++) {
                int count = data.readUnsignedShort();
                if (count > (l == 0 ? 2 * m : m) || (long) count * 4 > data.available()) {
                    throw corrupt("a neighbour count is out of range");
                }
                int[] neighbours = new int[count];
                for (int i = 0; i < count; i++) {
                    int neighbour = data.readInt();
                    if (neighbour < 0 || neighbour >= nodeCount || neighbour == node) {
                        throw corrupt("a neighbour refers to a node that is not defined");
                    }
                    neighbours[i] = neighbour;
                }
                links[node][l] = neighbours;
            }
        }
        if (data.available() != 0) {
            throw corrupt("bytes follow the last node");
        }
        checkGraph(labels, links, entryPoint, maxLevel);
        return new Decoded(identity, new Graph(labels, hashes, links, entryPoint, maxLevel));
    }

    private static void checkGraph(long[] labels, int[][][] links, int entryPoint, int maxLevel) {
        for (int[][] levels : links) {
            for (int l = 1; l < levels.length; l++) {
                for (int neighbour : levels[l]) {
                    if (links[neighbour].length <= l) {
                        throw corrupt("a link on level " + l + " points to a node without that level");
                    }
                }
            }
        }
        if (entryPoint >= 0 && links[entryPoint].length - 1 != maxLevel) {
            throw corrupt("the entry point is not on the max level");
        }
        long[] sorted = labels.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw corrupt("a label is defined twice");
            }
        }
    }

    private static void checkIdentity(CheckpointIdentity found, CheckpointIdentity expected) {
        String what = null;
        if (!found.collectionId().equals(expected.collectionId())) {
            what = "collection";
        } else if (!found.modelId().equals(expected.modelId())) {
            what = "embedding model";
        } else if (found.dimension() != expected.dimension()) {
            what = "dimension (" + found.dimension() + " vs " + expected.dimension() + ")";
        } else if (found.metric() != expected.metric()) {
            what = "metric (" + found.metric().id() + " vs " + expected.metric().id() + ")";
        } else if (!found.sameGraphAs(expected)) {
            what = "HNSW parameters (m/efConstruction " + found.params().m() + "/" + found.params().efConstruction()
                    + " vs " + expected.params().m() + "/" + expected.params().efConstruction() + ")";
        }
        if (what != null) {
            throw new CheckpointMismatchException("checkpoint was written for another " + what
                    + ": rebuild the index from the rows");
        }
    }

    private static CorruptCheckpointException corrupt(String what) {
        return new CorruptCheckpointException("checkpoint structure is invalid: " + what);
    }
}
