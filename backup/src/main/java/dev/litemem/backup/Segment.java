package dev.litemem.backup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run of consecutive change-log entries {@code (from, to]} of one incarnation, with the definitions of the
 * collections they touch (each {@code collections} row as JSON, so a restore can create a collection made after its
 * base). Binary format, version {@value #VERSION}:
 *
 * <pre>
 * "LMBKSEG" 0x00 | u16 version | u64 from | u64 to | str incarnation | u32 n | n entries | u32 m | m (u64 id, str json)
 * | 32 bytes SHA-256 of everything before
 * entry: u64 seq | u64 at | str entity | opt u64 collection_id | str key | opt u64 row_id | str op
 *        | opt str actor, on_behalf_of, model, authority, request_id | opt bytes before, after | opt str image
 *        | opt bytes vector
 * str = u32 length + UTF-8; bytes = u32 length + bytes; opt = u8 0 (absent) or 1 then the value
 * </pre>
 */
public record Segment(long from, long to, String incarnation, List<SegmentEntry> entries,
                      Map<Long, String> collections) {
    static final int VERSION = 1;
    private static final byte[] MAGIC = "LMBKSEG\0".getBytes(StandardCharsets.US_ASCII);

    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeShort(VERSION);
            out.writeLong(from);
            out.writeLong(to);
            str(out, incarnation);
            out.writeInt(entries.size());
            for (SegmentEntry e : entries) {
                out.writeLong(e.seq());
                out.writeLong(e.at());
                str(out, e.entity());
                optLong(out, e.collectionId());
                str(out, e.key());
                optLong(out, e.rowId());
                str(out, e.op());
                optStr(out, e.actor());
                optStr(out, e.onBehalfOf());
                optStr(out, e.model());
                optStr(out, e.authority());
                optStr(out, e.requestId());
                optBytes(out, e.before());
                optBytes(out, e.after());
                optStr(out, e.image());
                optBytes(out, e.vector());
            }
            out.writeInt(collections.size());
            for (Map.Entry<Long, String> c : collections.entrySet()) {
                out.writeLong(c.getKey());
                str(out, c.getValue());
            }
            out.flush();
            byte[] body = bytes.toByteArray();
            byte[] all = Arrays.copyOf(body, body.length + 32);
            System.arraycopy(sha256(body, body.length), 0, all, body.length, 32);
            return all;
        } catch (IOException e) {
            throw new BackupException("cannot encode a segment: " + e.getMessage(), e);
        }
    }

    /** Reads a segment, verifying its magic, version and SHA-256 trailer. */
    static Segment decode(byte[] all, String name) {
        if (all.length < MAGIC.length + 2 + 32
                || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new BackupException(name + " is not a LiteMem backup segment: the backup is damaged");
        }
        int bodyLength = all.length - 32;
        if (!Arrays.equals(sha256(all, bodyLength), Arrays.copyOfRange(all, bodyLength, all.length))) {
            throw new BackupException(name + " fails its checksum: the backup is damaged (restore to a point before it,"
                    + " or from another copy)");
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, bodyLength));
            in.skipNBytes(MAGIC.length);
            int version = in.readUnsignedShort();
            if (version != VERSION) {
                throw new BackupException(name + " has segment format version " + version + ", but this LiteMem reads"
                        + " version " + VERSION + ": restore with the LiteMem that wrote it");
            }
            long from = in.readLong();
            long to = in.readLong();
            String incarnation = str(in);
            int n = in.readInt();
            List<SegmentEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                entries.add(new SegmentEntry(in.readLong(), in.readLong(), str(in), optLong(in), str(in), optLong(in),
                        str(in), optStr(in), optStr(in), optStr(in), optStr(in), optStr(in), optBytes(in),
                        optBytes(in), optStr(in), optBytes(in)));
            }
            int m = in.readInt();
            Map<Long, String> collections = new LinkedHashMap<>();
            for (int i = 0; i < m; i++) {
                collections.put(in.readLong(), str(in));
            }
            return new Segment(from, to, incarnation, entries, collections);
        } catch (IOException e) {
            throw new BackupException(name + " is truncated or malformed: the backup is damaged", e);
        }
    }

    static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(bytes, 0, length);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        optBytesRaw(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void optBytesRaw(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static void optStr(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            str(out, s);
        }
    }

    private static void optLong(DataOutputStream out, Long v) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeLong(v);
        }
    }

    private static void optBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeBoolean(b != null);
        if (b != null) {
            optBytesRaw(out, b);
        }
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("a length of " + n + " runs past the end");
        }
        return in.readNBytes(n);
    }

    private static String str(DataInputStream in) throws IOException {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }

    private static String optStr(DataInputStream in) throws IOException {
        return in.readBoolean() ? str(in) : null;
    }

    private static Long optLong(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }

    private static byte[] optBytes(DataInputStream in) throws IOException {
        return in.readBoolean() ? bytes(in) : null;
    }
}
