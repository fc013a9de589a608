package dev.litemem.server.internal;

import dev.litemem.changes.ChangeFeed;
import dev.litemem.client.Bookmark;
import dev.litemem.server.ServerException;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bookmarks on the tenant routes (docs/REPLICAS.md): every successful write answers the tenant's position after it in
 * {@value Bookmark#HEADER}; a read may send one, and is refused (412 {@code bookmark-not-reachable}) when this server
 * cannot be at it: another incarnation of the tenant (deleted and created again, or restored), or a sequence number
 * the tenant has not reached. On the primary every other bookmark is reached already.
 */
final class Bookmarks {
    private static final Logger LOG = LoggerFactory.getLogger(Bookmarks.class);

    private Bookmarks() {
    }

    static void checkRead(Api api, Context ctx) {
        String text = ctx.header(Bookmark.HEADER);
        if (text == null) {
            return;
        }
        String tenant = api.tenant(ctx, true);
        Bookmark wanted;
        try {
            wanted = Bookmark.parse(text);
        } catch (IllegalArgumentException e) {
            throw Errors.invalid(Bookmark.HEADER, e.getMessage());
        }
        if (!wanted.tenant().equals(tenant)) {
            throw Errors.invalid(Bookmark.HEADER, "the bookmark is of tenant '" + wanted.tenant() + "', not of this one");
        }
        ChangeFeed.Position at;
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            at = lease.mem().changeFeed().current();
        }
        if (!at.incarnation().equals(wanted.incarnation()) || at.seq() < wanted.seq()) {
            throw new ServerException(412, "bookmark-not-reachable", Bookmark.HEADER, "this tenant's history does not"
                    + " hold the bookmark (it is of another incarnation: the tenant was deleted and created again, or"
                    + " restored): read without it, or with a bookmark of a write made since");
        }
        ctx.header(Bookmark.HEADER, new Bookmark(tenant, at.incarnation(), at.seq()).toString());
    }

    /** After a successful write: the tenant's position now, which covers the write. */
    static void answerWrite(Api api, Context ctx) {
        String tenant = ctx.pathParam("tenant");
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            ChangeFeed.Position at = lease.mem().changeFeed().current();
            ctx.header(Bookmark.HEADER, new Bookmark(tenant, at.incarnation(), at.seq()).toString());
        } catch (RuntimeException e) {
            // The write itself succeeded and is answered; only the bookmark is missing (the tenant went meanwhile).
            LOG.warn("no bookmark for a write of tenant '{}': {}", tenant, e.getClass().getSimpleName());
        }
    }
}
