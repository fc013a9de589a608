package dev.litemem.client;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in a tenant's history: its incarnation and a change sequence number in it (docs/REPLICAS.md). A write on the
 * server answers one (header {@value #HEADER}); a replica that has applied it shows that write and every earlier one.
 * As text, {@code lm1.INCARNATION.SEQ.TENANT} with SEQ written with 19 digits, so the bookmarks of one tenant and
 * incarnation sort as text in the order of their sequence numbers.
 *
 * @param tenant      the tenant's name
 * @param incarnation the tenant file's incarnation; a bookmark of another incarnation says nothing of this one
 * @param seq         the change sequence number
 */
public record Bookmark(String tenant, String incarnation, long seq) implements Comparable<Bookmark> {
    /** The HTTP header that carries a bookmark, in answers to writes and in reads that ask for one. */
    public static final String HEADER = "X-LiteMem-Bookmark";
    private static final Pattern TEXT = Pattern.compile("lm1\\.([0-9a-f]{1,64})\\.([0-9]{19})\\.([a-z0-9][a-z0-9_-]{0,63})");

    public Bookmark {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(incarnation, "incarnation");
        if (seq < 0) {
            throw new IllegalArgumentException("a bookmark's sequence number is 0 or more");
        }
    }

    /**
     * Reads a bookmark's text.
     *
     * @throws IllegalArgumentException if it is not one, saying what a bookmark looks like
     */
    public static Bookmark parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a LiteMem bookmark: expected lm1.INCARNATION.SEQ.TENANT (SEQ 19"
                    + " digits), as a write's " + HEADER + " header gives it");
        }
        return new Bookmark(m.group(3), m.group(1), Long.parseLong(m.group(2)));
    }

    /** Whether {@code other} is of the same tenant and incarnation and not after this one. */
    public boolean covers(Bookmark other) {
        return other == null || (tenant.equals(other.tenant) && incarnation.equals(other.incarnation) && seq >= other.seq);
    }

    /** The later of two bookmarks of the same tenant and incarnation; {@code other} when they differ in either. */
    public Bookmark latest(Bookmark other) {
        if (other == null) {
            return this;
        }
        return tenant.equals(other.tenant) && incarnation.equals(other.incarnation) && seq > other.seq ? this : other;
    }

    @Override
    public int compareTo(Bookmark o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        // "lm1.%s.%019d.%s" without String.format, which was a third of a bookmark's cost on every write answered.
        String digits = Long.toString(seq); // seq >= 0 (checked when made)
        return "lm1." + incarnation + "." + "0".repeat(19 - digits.length()) + digits + "." + tenant;
    }
}
