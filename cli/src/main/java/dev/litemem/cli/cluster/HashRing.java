package dev.litemem.cli.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;

/**
 * nginx's consistent-hash ring ({@code hash KEY consistent}, ngx_http_upstream_hash_module), so LiteMem can tell which
 * node nginx sends a tenant to. For each server, as written in the upstream block ({@code host:port}), nginx places
 * 160 points per unit of weight (all weights are 1 here): point i is {@code crc32(HOST, '\0', PORT, point i-1)}, the
 * previous point as 4 little-endian bytes, 0 before the first. The points are sorted (a stable sort: of equal points
 * the earlier server's stays) and duplicates dropped. A key's owner is the server of the first point at or after
 * {@code crc32(key)}, wrapping around past the last. An empty key is not hashed: nginx then picks round-robin.
 *
 * <p>That nginx agrees is shown by the tests against a real nginx (NginxRingTest, ScaleOutTest).
 */
public final class HashRing {
    static final int POINTS_PER_WEIGHT = 160;
    private final long[] points;
    private final Node[] owners;

    public HashRing(List<Node> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a ring needs at least one node");
        }
        record Point(long hash, Node node) {
        }
        List<Point> all = new ArrayList<>(nodes.size() * POINTS_PER_WEIGHT);
        for (Node node : nodes) {
            byte[] host = node.host().getBytes(StandardCharsets.US_ASCII);
            byte[] port = Integer.toString(node.port()).getBytes(StandardCharsets.US_ASCII);
            long prev = 0;
            for (int i = 0; i < POINTS_PER_WEIGHT; i++) {
                CRC32 crc = new CRC32();
                crc.update(host);
                crc.update(0);
                crc.update(port);
                crc.update(new byte[] {(byte) prev, (byte) (prev >>> 8), (byte) (prev >>> 16), (byte) (prev >>> 24)});
                prev = crc.getValue();
                all.add(new Point(prev, node));
            }
        }
        all.sort(Comparator.comparingLong(Point::hash));
        List<Point> unique = new ArrayList<>(all.size());
        for (Point p : all) {
            if (unique.isEmpty() || unique.get(unique.size() - 1).hash() != p.hash()) {
                unique.add(p);
            }
        }
        points = new long[unique.size()];
        owners = new Node[unique.size()];
        for (int i = 0; i < unique.size(); i++) {
            points[i] = unique.get(i).hash();
            owners[i] = unique.get(i).node();
        }
    }

    /** The node nginx sends {@code key} to; null for the empty key (nginx round-robins those). */
    public Node owner(String key) {
        if (key.isEmpty()) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        long hash = crc.getValue();
        // First point >= hash (nginx's binary search), wrapping around past the last point.
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (hash > points[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return owners[lo % points.length];
    }
}
