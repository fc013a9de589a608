package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST .../search}: text or a vector (one of them), how many hits, the mode ({@code semantic}, {@code keyword},
 * {@code hybrid}), a filter in LiteMem's JSON filter language, and whether the hits carry their vectors.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"text", "vector", "k", "mode", "where", "includeVector"})
public record SearchBody(String text, float[] vector, Integer k, String mode, JsonNode where, Boolean includeVector) {
}
