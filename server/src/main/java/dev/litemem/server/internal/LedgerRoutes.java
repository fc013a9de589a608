package dev.litemem.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.Ledger;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /v1/tenants/{t}/ledger/events}: an explicit ledger event in the tenant's outbox (docs/LEDGER.md). */
final class LedgerRoutes {
    private final Api api;

    LedgerRoutes(Api api) {
        this.api = api;
    }

    void register(JavalinConfig config) {
        api.route(config, "POST", "/v1/tenants/{tenant}/ledger/events", this::append);
    }

    private void append(Context ctx) {
        String tenant = api.tenant(ctx, false);
        JsonNode body = Bodies.readObject(ctx, Math.min(api.limits.maxBodyBytes(), 2L * Ledger.MAX_PAYLOAD_CHARS));
        String type = Bodies.text(body, "type", "type", 128, true);
        JsonNode payload = body.get("payload");
        if (payload == null || payload.isNull() || payload.isMissingNode()) {
            throw Errors.invalid("payload", "give the event's payload: a JSON value, usually an object such as"
                    + " {\"invoice\": \"inv-7\"}");
        }
        var actor = Attribution.of(ctx, tenant);
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            long seq = lease.mem().ledger().as(actor).append(type, payload.toString());
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("seq", seq);
            answer.put("type", type);
            ctx.status(201).json(answer);
        }
    }
}
