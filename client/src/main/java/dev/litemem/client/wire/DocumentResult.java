package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer to a document upload: its chunks, the change sequence number of the last, and how many chunk texts the
 * model embedded now (0 when the tenant's embedding cache held them all).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DocumentResult(String source, int chunks, long seq, int embedded) {
}
