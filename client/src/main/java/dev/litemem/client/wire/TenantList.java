package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** {@code GET /v1/tenants} (admin): tenant names in order, whether each is open; {@code nextCursor} null at the end. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TenantList(List<Entry> tenants, @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String name, boolean open) {
    }
}
