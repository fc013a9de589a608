package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.litemem.CollectionInfo;

/**
 * A collection as JSON: its name and vector space, when it was made, and (where asked) how many records it holds and
 * its outbox policy ({@code ledger}: none or all).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"name", "model", "dimension", "metric", "createdAt", "count", "ledger"})
public record CollectionJson(String name, String model, int dimension, String metric, String createdAt, Long count,
                             String ledger) {

    /** @param ledger the outbox policy, or null where the answer does not give it */
    public static CollectionJson of(CollectionInfo info, Long count, String ledger) {
        return new CollectionJson(info.name(), info.spec().model(), info.spec().dimension(), info.spec().metric().id(),
                RecordJson.text(info.createdAt()), count, ledger);
    }

    /** @param count the record count, or null where the answer does not give it */
    public static CollectionJson of(CollectionInfo info, Long count) {
        return of(info, count, null);
    }
}
