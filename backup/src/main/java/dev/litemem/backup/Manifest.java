package dev.litemem.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's manifest ({@code TENANT/manifest.json}), the one object a backup replaces: its bases and segments in
 * order, each with the SHA-256 of its object and the state hash ({@link StateHash}) of the tenant at its sequence
 * number, and a SHA-256 of the manifest itself ({@code checksum}, over the JSON written with {@code checksum} null).
 * Written last, after every object it names, so it never names one that is missing or partial.
 *
 * <p>Format 2 (this one) adds to each base and segment the version of its state hash ({@code hash}: 2 = every row of
 * every table that holds data, by {@code RowImages}; 1 or absent = RowHash v1 over records of users' collections, as
 * format 1 wrote) and the schema fingerprint at its sequence number ({@code schema}). Format 1 manifests are read;
 * their bases are restored with the record-only verification; the next pass writes format 2 and a new base.
 *
 * @param format version of this layout ({@value #FORMAT}; {@value #FORMAT_V1} is read)
 */
public record Manifest(int format, String tenant, List<Base> bases, List<SegmentRef> segments, long updated,
                       String checksum) {
    public static final int FORMAT = 2;
    static final int FORMAT_V1 = 1;
    public static final String NAME = "manifest.json";
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);

    /**
     * A base snapshot: the file exported when its newest change was {@code seq}, taken at {@code at} (epoch ms).
     *
     * @param hash   the version of {@code state} (0 when absent: 1)
     * @param schema the schema fingerprint of the copy (null for hash version 1)
     */
    public record Base(long seq, long at, String incarnation, String key, String sha256, long bytes, String state,
                       int hash, String schema) {
        /** The state hash's version: 1 (records only) or 2 (every row). */
        public int hashVersion() {
            return Math.max(1, hash);
        }
    }

    /** A segment of entries {@code (from, to]}; {@code state} is the state hash at {@code to}, of version {@code hash}. */
    public record SegmentRef(long from, long to, String incarnation, String key, String sha256, long bytes, int entries,
                             long firstAt, long lastAt, String state, int hash, String schema) {
    }

    static Manifest empty(String tenant) {
        return new Manifest(FORMAT, tenant, List.of(), List.of(), 0, null);
    }

    Manifest with(List<Base> bases, List<SegmentRef> segments) {
        return new Manifest(FORMAT, tenant, List.copyOf(bases), List.copyOf(segments), System.currentTimeMillis(),
                null);
    }

    /** The segments of one incarnation that follow {@code afterSeq} without a gap, in order. */
    List<SegmentRef> chain(String incarnation, long afterSeq) {
        List<SegmentRef> out = new ArrayList<>();
        long at = afterSeq;
        for (SegmentRef s : segments) {
            if (s.incarnation().equals(incarnation) && s.from() == at) {
                out.add(s);
                at = s.to();
            }
        }
        return out;
    }

    byte[] encode() {
        try {
            Manifest unsigned = new Manifest(format, tenant, bases, segments, updated, null);
            String sum = HexFormat.of().formatHex(Segment.sha256(bytes(unsigned), bytes(unsigned).length));
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(
                    new Manifest(format, tenant, bases, segments, updated, sum));
        } catch (JsonProcessingException e) {
            throw new BackupException("cannot write a manifest: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(Manifest m) throws JsonProcessingException {
        return MAPPER.writeValueAsBytes(m);
    }

    static Optional<Manifest> read(BlobStore store, String tenant) {
        Optional<byte[]> raw = store.get(tenant + "/" + NAME);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Manifest m;
        try {
            m = MAPPER.readValue(raw.get(), Manifest.class);
        } catch (IOException e) {
            throw new BackupException("the manifest of " + tenant + " in " + store.describe() + " is not readable ("
                    + e.getMessage() + "): the backup is damaged", e);
        }
        if (m.format() != FORMAT && m.format() != FORMAT_V1) {
            throw new BackupException("the manifest of " + tenant + " has format " + m.format() + ", but this LiteMem"
                    + " reads formats " + FORMAT_V1 + " and " + FORMAT + ": use the LiteMem that wrote it");
        }
        try {
            // Over the JSON as written (whatever fields its format has), with checksum null: the bytes it was made from.
            com.fasterxml.jackson.databind.node.ObjectNode tree =
                    (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(raw.get());
            tree.putNull("checksum");
            byte[] b = MAPPER.writeValueAsBytes(tree);
            if (!HexFormat.of().formatHex(Segment.sha256(b, b.length)).equals(m.checksum())) {
                throw new BackupException("the manifest of " + tenant + " in " + store.describe() + " fails its"
                        + " checksum: the backup is damaged");
            }
        } catch (IOException | ClassCastException e) {
            throw new BackupException("cannot check the manifest of " + tenant + ": " + e.getMessage(), e);
        }
        return Optional.of(m);
    }

    void write(BlobStore store) {
        store.put(tenant + "/" + NAME, encode());
    }
}
