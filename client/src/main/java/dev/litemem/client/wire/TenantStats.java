package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * {@code GET /v1/tenants/{t}}: its collections with their counts, all its records, its last change, its file's bytes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"name", "collections", "records", "lastSeq", "fileBytes"})
public record TenantStats(String name, List<CollectionJson> collections, long records, long lastSeq, long fileBytes) {
}
