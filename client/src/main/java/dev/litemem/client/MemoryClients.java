package dev.litemem.client;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens a {@link MemoryClient} from a URI, so agent code switches between an embedded file and a server by
 * configuration alone:
 * <ul>
 *   <li>{@code file:agent.db} (or {@code file:///abs/agent.db}): the LiteMem file, opened in this process;</li>
 *   <li>{@code http://127.0.0.1:8080/v1/tenants/acme}: that tenant on a server, with the key from the environment
 *       variable {@value #KEY_ENV}, or from {@code ?key=...} (keys in URIs tend to end up in logs: prefer the
 *       environment).</li>
 *   <li>{@code replica+http://127.0.0.1:8080/v1/tenants/acme?db=acme.db}: an embedded {@link Replica} of that tenant
 *       in the local file {@code db} (docs/REPLICAS.md), with the key as for {@code http:}.</li>
 * </ul>
 */
public final class MemoryClients {
    public static final String KEY_ENV = "LITEMEM_KEY";

    private MemoryClients() {
    }

    public static MemoryClient open(String uri) {
        return open(uri, LiteMemOptions.defaults());
    }

    /** As {@link #open(String)}; {@code options} apply to a {@code file:} URI (the embedder, for example). */
    public static MemoryClient open(String uri, LiteMemOptions options) {
        URI u = URI.create(uri);
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        switch (scheme) {
            case "file" -> {
                String path = u.getPath() != null ? u.getPath() : u.getSchemeSpecificPart();
                return new EmbeddedMemoryClient(LiteMem.open(Path.of(path), options), true);
            }
            case "replica+http", "replica+https" -> {
                String db = queryParam(u, "db");
                if (db == null) {
                    throw new IllegalArgumentException("a replica URI names its local file: replica+http://HOST:PORT"
                            + "/v1/tenants/NAME?db=PATH");
                }
                String key = queryParam(u, "key") != null ? queryParam(u, "key") : System.getenv(KEY_ENV);
                if (key == null || key.isBlank()) {
                    throw new IllegalArgumentException("no key for " + u.getHost() + ": set " + KEY_ENV + " or add ?key=...");
                }
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("/v1/tenants/([a-z0-9][a-z0-9_-]{0,63})/?")
                        .matcher(u.getRawPath());
                if (!m.matches()) {
                    throw new IllegalArgumentException("a replica URI names one tenant: replica+http://HOST:PORT"
                            + "/v1/tenants/NAME?db=PATH");
                }
                URI primary = URI.create(scheme.substring("replica+".length()) + "://" + u.getRawAuthority());
                return Replica.builder(Path.of(db), primary, m.group(1), key).options(options).open();
            }
            case "http", "https" -> {
                String key = null;
                if (u.getRawQuery() != null) {
                    for (String part : u.getRawQuery().split("&")) {
                        if (part.startsWith("key=")) {
                            key = URLDecoder.decode(part.substring(4), StandardCharsets.UTF_8);
                        }
                    }
                }
                if (key == null) {
                    key = System.getenv(KEY_ENV);
                }
                if (key == null || key.isBlank()) {
                    throw new IllegalArgumentException("no key for " + u.getHost() + ": set " + KEY_ENV + " or add ?key=...");
                }
                URI tenant = URI.create(scheme + "://" + u.getRawAuthority() + u.getRawPath());
                if (!u.getRawPath().matches("/v1/tenants/[a-z0-9][a-z0-9_-]{0,63}/?")) {
                    throw new IllegalArgumentException("a server URI names one tenant: http://HOST:PORT/v1/tenants/NAME");
                }
                return new HttpMemoryClient(tenant, key, Duration.ofSeconds(30));
            }
            default -> throw new IllegalArgumentException("unsupported memory URI scheme '" + scheme
                    + "': use file:PATH, http://HOST:PORT/v1/tenants/NAME or replica+http://HOST:PORT/v1/tenants/NAME?db=PATH");
        }
    }

    private static String queryParam(URI u, String name) {
        if (u.getRawQuery() == null) {
            return null;
        }
        for (String part : u.getRawQuery().split("&")) {
            if (part.startsWith(name + "=")) {
                return URLDecoder.decode(part.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
