package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.litemem.Hit;
import dev.litemem.Record;
import java.util.Map;

/**
 * A search hit as JSON: the record's fields beside its score, then the rank and score of each side of the search
 * that returned it ({@link Hit}'s; absent for a side that did not).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"id", "score", "text", "metadata", "source", "chunk", "createdAt", "updatedAt", "vector",
        "semanticRank", "semanticScore", "keywordRank", "keywordScore"})
public record HitJson(String id, float score, String text, Map<String, Object> metadata, String source, Integer chunk,
                      String createdAt, String updatedAt, float[] vector, Integer semanticRank, Float semanticScore,
                      Integer keywordRank, Float keywordScore) {

    public static HitJson of(Hit h, boolean withVector) {
        RecordJson r = RecordJson.of(h.record(), withVector);
        return new HitJson(r.id(), h.score(), r.text(), r.metadata(), r.source(), r.chunk(), r.createdAt(),
                r.updatedAt(), r.vector(), h.semanticRank(), h.semanticScore(), h.keywordRank(), h.keywordScore());
    }

    public Hit toHit() {
        Record record = new RecordJson(id, text, metadata, source, chunk, createdAt, updatedAt, vector).toRecord();
        return new Hit(record, score, semanticRank, semanticScore, keywordRank, keywordScore);
    }
}
