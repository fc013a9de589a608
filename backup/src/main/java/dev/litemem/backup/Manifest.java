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
 * order, each with the SHA-256 of its object and the state hash ({@link StateHash}) of the tenant's records at its
 * sequence number, and a SHA-256 of the manifest itself ({@code checksum}, over the JSON written with
 * {@code checksum} null). Written last, after every object it names, so it never names one that is missing or partial.
 *
 * @param format version of this layout ({@value #FORMAT})
 */
public record Manifest(int format, String tenant, List<Base> bases, List<SegmentRef> segments, long updated,
                       String checksum) {
    public static final int FORMAT = 1;
    public static final String NAME = "manifest.json";
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);

    /** A base snapshot: the file exported when its newest change was {@code seq}, taken at {@code at} (epoch ms). */
    public record Base(long seq, long at, String incarnation, String key, String sha256, long bytes, String state) {
    }

    /** A segment of entries {@code (from, to]}; {@code state} is the records' state hash at {@code to}. */
    public record SegmentRef(long from, long to, String incarnation, String key, String sha256, long bytes, int entries,
                             long firstAt, long lastAt, String state) {
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
        if (m.format() != FORMAT) {
            throw new BackupException("the manifest of " + tenant + " has format " + m.format() + ", but this LiteMem"
                    + " reads format " + FORMAT + ": use the LiteMem that wrote it");
        }
        try {
            Manifest unsigned = new Manifest(m.format(), m.tenant(), m.bases(), m.segments(), m.updated(), null);
            byte[] b = bytes(unsigned);
            if (!HexFormat.of().formatHex(Segment.sha256(b, b.length)).equals(m.checksum())) {
                throw new BackupException("the manifest of " + tenant + " in " + store.describe() + " fails its"
                        + " checksum: the backup is damaged");
            }
        } catch (JsonProcessingException e) {
            throw new BackupException("cannot check a manifest: " + e.getMessage(), e);
        }
        return Optional.of(m);
    }

    void write(BlobStore store) {
        store.put(tenant + "/" + NAME, encode());
    }
}
