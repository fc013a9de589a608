package dev.litemem.cli.cluster;

import dev.litemem.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One LiteMem server of a cluster, {@code host:port} exactly as it is written in nginx's {@code upstream} block: the
 * text is what nginx's consistent hash places on its ring, so the same node must always be written the same way.
 */
public record Node(String host, int port) {
    /** A host name or IPv4 address: letters, digits, '.', '-' and '_'. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    /** {@code host:port}, as given to nginx and used on the ring. */
    public String name() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return name();
    }

    /** Parses {@code host:port}; a clear error names the option and what is wrong. */
    public static Node parse(String text, String option) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new InvalidInputException(option, option + ": '" + t + "' is not host:port (for example"
                    + " 10.0.0.5:8080); IPv6 addresses are not supported");
        }
        String host = t.substring(0, colon);
        String port = t.substring(colon + 1);
        if (!HOST.matcher(host).matches()) {
            throw new InvalidInputException(option, option + ": host '" + host + "' must be a host name or IPv4 address"
                    + " (letters, digits, '.', '-', '_')");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535 || !port.matches("[0-9]+")) {
            throw new InvalidInputException(option, option + ": port '" + port + "' of " + t + " must be a number from"
                    + " 1 to 65535");
        }
        return new Node(host, p);
    }

    /** Parses a comma-separated list of at least one node, refusing duplicates. */
    public static List<Node> parseList(String text, String option) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(option, option + " needs at least one node: host:port,host:port,...");
        }
        List<Node> nodes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                throw new InvalidInputException(option, option + ": an empty entry in '" + text + "' (a stray comma?)");
            }
            Node n = parse(part, option);
            if (!seen.add(n.name())) {
                throw new InvalidInputException(option, option + ": " + n + " is listed twice");
            }
            nodes.add(n);
        }
        return nodes;
    }
}
