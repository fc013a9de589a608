package dev.litemem.cli.cluster;

import dev.litemem.internal.DurableFiles;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMemException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Tenants placed on a node explicitly, overriding the hash ring: the file {@code litemem cluster move-tenant}
 * maintains and {@code litemem cluster nginx-config --placement} turns into an nginx {@code map}. One tenant per line,
 * {@code TENANT HOST:PORT}; blank lines and lines starting with {@code #} are ignored. A missing file is an empty
 * placement. Written atomically (temp file, fsync, rename, fsync of the folder): a reader sees the old or the new file.
 */
public final class Placement {
    static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private final Map<String, Node> tenants;

    private Placement(Map<String, Node> tenants) {
        this.tenants = tenants;
    }

    public static Placement empty() {
        return new Placement(new TreeMap<>());
    }

    /** Reads the file; a missing file is empty. Bad lines are refused with their line number. */
    public static Placement load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            throw new LiteMemException("cannot read the placement file " + file + ": " + e.getMessage(), e);
        }
        Map<String, Node> tenants = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "placement file " + file + ", line " + (i + 1);
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw new InvalidInputException("placement", where + ": expected 'TENANT HOST:PORT', found '" + line + "'");
            }
            if (!TENANT.matcher(parts[0]).matches()) {
                throw new InvalidInputException("placement", where + ": '" + parts[0] + "' is not a tenant name (1 to 64"
                        + " lowercase letters, digits, '_' or '-')");
            }
            Node node = Node.parse(parts[1], where);
            if (tenants.put(parts[0], node) != null) {
                throw new InvalidInputException("placement", where + ": tenant '" + parts[0] + "' is placed twice");
            }
        }
        return new Placement(tenants);
    }

    /** The explicitly placed tenants, by name. */
    public Map<String, Node> tenants() {
        return Collections.unmodifiableMap(tenants);
    }

    /** A copy with {@code tenant} placed on {@code node}. */
    public Placement with(String tenant, Node node) {
        Map<String, Node> copy = new TreeMap<>(tenants);
        copy.put(tenant, node);
        return new Placement(copy);
    }

    /** Where nginx sends {@code tenant}: its placement, else the ring's owner. */
    public Node owner(String tenant, HashRing ring) {
        Node placed = tenants.get(tenant);
        return placed != null ? placed : ring.owner(tenant);
    }

    public String render() {
        StringBuilder b = new StringBuilder("# LiteMem tenant placement: TENANT HOST:PORT, one a line; these tenants go to\n"
                + "# their node, not the hash ring's. Maintained by 'litemem cluster move-tenant' (docs/SCALE-OUT.md).\n");
        tenants.forEach((t, n) -> b.append(t).append(' ').append(n.name()).append('\n'));
        return b.toString();
    }

    /** Writes the file atomically: temp file beside it, fsync, rename over it, fsync of the folder. */
    public void write(Path file) {
        writeAtomically(file, render());
    }

    static void writeAtomically(Path file, String text) {
        Path abs = file.toAbsolutePath();
        try {
            DurableFiles.replace(abs, abs.resolveSibling(abs.getFileName() + ".tmp"),
                    tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8), false);
        } catch (IOException e) {
            throw new LiteMemException("cannot write " + abs + ": " + e.getMessage(), e);
        }
    }
}
