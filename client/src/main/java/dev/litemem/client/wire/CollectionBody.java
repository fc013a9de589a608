package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code PUT .../collections/{c}}: no model and no dimension for the server's embedder; a dimension without a model
 * for vectors the caller supplies; the metric (cosine, dot, l2; default cosine); the outbox policy {@code ledger}
 * ({@code none} or {@code all}; set on a new collection, changed on an existing one, left alone when absent).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CollectionBody(String model, Integer dimension, String metric, String ledger) {
    /** A body without a ledger policy. */
    public CollectionBody(String model, Integer dimension, String metric) {
        this(model, dimension, metric, null);
    }
}
