package dev.litemem.server.internal;

import dev.litemem.Actor;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * Who a request's changes are recorded as (docs/SERVER.md, "Attribution"): the tenant (its key names it) unless
 * {@code X-LiteMem-Actor} names the agent or user, plus {@code X-LiteMem-On-Behalf-Of}, {@code X-LiteMem-Model},
 * {@code X-LiteMem-Authority} and {@code X-Request-Id}. Each value: 1 to 256 printable ASCII characters.
 */
final class Attribution {
    static final String ACTOR = "X-LiteMem-Actor";
    static final String ON_BEHALF_OF = "X-LiteMem-On-Behalf-Of";
    static final String MODEL = "X-LiteMem-Model";
    static final String AUTHORITY = "X-LiteMem-Authority";
    static final String REQUEST_ID = "X-Request-Id";
    private static final Pattern VALUE = Pattern.compile("[\\x21-\\x7E][\\x20-\\x7E]{0,255}");

    private Attribution() {
    }

    static Actor of(Context ctx, String tenant) {
        String id = header(ctx, ACTOR);
        return new Actor(id == null ? tenant : id, header(ctx, ON_BEHALF_OF), header(ctx, MODEL), header(ctx, AUTHORITY),
                header(ctx, REQUEST_ID));
    }

    private static String header(Context ctx, String name) {
        String value = ctx.header(name);
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        if (!VALUE.matcher(trimmed).matches()) {
            throw Errors.invalid(name, "the header " + name + " must be 1 to 256 printable ASCII characters"
                    + " (letters, digits, punctuation, spaces inside)");
        }
        return trimmed;
    }
}
