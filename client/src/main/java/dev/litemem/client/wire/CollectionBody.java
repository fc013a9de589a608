package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code PUT .../collections/{c}}: no model and no dimension for the server's embedder; a dimension without a model
 * for vectors the caller supplies; the metric (cosine, dot, l2; default cosine).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CollectionBody(String model, Integer dimension, String metric) {
}
