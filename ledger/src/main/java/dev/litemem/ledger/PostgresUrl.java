package dev.litemem.ledger;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Where the ledger lives: a PostgreSQL JDBC URL ({@code jdbc:postgresql://host:port/db?user=...}) or a libpq-style
 * URI ({@code postgresql://user:password@host:port/db?...}, also {@code postgres://}), as the JDBC URL and the
 * connection properties the driver takes.
 *
 * @param jdbcUrl    the JDBC URL without credentials from a URI's user-info part
 * @param properties the user and password found in the URI's user-info part (a JDBC URL keeps its own)
 */
public record PostgresUrl(String jdbcUrl, Properties properties) {

    /** Parses a JDBC URL or a URI; the error names what was wrong (never the password). */
    public static PostgresUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new LedgerException("no PostgreSQL URL given: use jdbc:postgresql://host:port/db?user=NAME or"
                    + " postgresql://NAME@host:port/db");
        }
        String trimmed = url.trim();
        if (trimmed.startsWith("jdbc:postgresql:")) {
            return new PostgresUrl(trimmed, new Properties());
        }
        if (!trimmed.startsWith("postgresql://") && !trimmed.startsWith("postgres://")) {
            throw new LedgerException("the ledger URL must start with jdbc:postgresql:// or postgresql://, for example"
                    + " jdbc:postgresql://127.0.0.1:5432/ledger?user=litemem");
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new LedgerException("the ledger URL is not a valid URI (" + e.getReason() + "): write it as"
                    + " postgresql://USER:PASSWORD@HOST:PORT/DATABASE");
        }
        if (uri.getHost() == null) {
            throw new LedgerException("the ledger URL names no host: write it as postgresql://USER@HOST:PORT/DATABASE");
        }
        Properties props = new Properties();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            props.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                props.setProperty("password", decode(userInfo.substring(colon + 1)));
            }
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost().contains(":")
                ? "[" + uri.getHost() + "]" : uri.getHost());
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append(path.isEmpty() ? "/" : path);
        if (uri.getRawQuery() != null) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        return new PostgresUrl(jdbc.toString(), props);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL to show in logs and messages: without a password. */
    public String display() {
        return jdbcUrl.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
    }
}
