package dev.litemem.client.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litemem.Hit;
import dev.litemem.Record;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON the wire types make with a plain ObjectMapper (the server's and the client's are such mappers): the field
 * names, order and omissions of openapi.json, and back again.
 */
class WireJsonTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant CREATED = Instant.parse("2025-01-02T03:04:05.678Z");
    static final Record RECORD = Record.builder().id("handbook.md#1").text("On-call starts on Monday.")
            .metadata(Map.of("kind", "handbook")).vector(new float[] {0.5f, -0.25f}).source("handbook.md", 1)
            .timestamps(CREATED, CREATED.plusSeconds(1)).build();

    @Test
    void aRecordIsWrittenInTheApiShapeAndReadBack() throws Exception {
        String json = JSON.writeValueAsString(RecordJson.of(RECORD, true));
        assertEquals("{\"id\":\"handbook.md#1\",\"text\":\"On-call starts on Monday.\",\"metadata\":{\"kind\":\"handbook\"},"
                + "\"source\":\"handbook.md\",\"chunk\":1,\"createdAt\":\"2025-01-02T03:04:05.678Z\","
                + "\"updatedAt\":\"2025-01-02T03:04:06.678Z\",\"vector\":[0.5,-0.25]}", json);
        Record back = JSON.readValue(json, RecordJson.class).toRecord();
        assertEquals(RECORD, back);
        assertArrayEquals(RECORD.vector(), back.vector());
        assertEquals(RECORD.createdAt(), back.createdAt());
        assertEquals(RECORD.chunk(), back.chunk());

        assertEquals("{\"id\":\"n\",\"metadata\":{}}", JSON.writeValueAsString(RecordJson.of(Record.builder().id("n")
                .vector(new float[] {1f}).build(), false)), "absent fields and an unasked vector are left out");
    }

    @Test
    void aHitKeepsItsScoreAndEachSidesRank() throws Exception {
        Hit hit = new Hit(RECORD, 0.75f, 1, 0.5f, null, null);
        String json = JSON.writeValueAsString(HitJson.of(hit, false));
        assertEquals("{\"id\":\"handbook.md#1\",\"score\":0.75,\"text\":\"On-call starts on Monday.\","
                + "\"metadata\":{\"kind\":\"handbook\"},\"source\":\"handbook.md\",\"chunk\":1,"
                + "\"createdAt\":\"2025-01-02T03:04:05.678Z\",\"updatedAt\":\"2025-01-02T03:04:06.678Z\","
                + "\"semanticRank\":1,\"semanticScore\":0.5}", json);
        Hit back = JSON.readValue(json, HitJson.class).toHit();
        assertEquals(0.75f, back.score());
        assertEquals(1, back.semanticRank());
        assertEquals(0.5f, back.semanticScore());
        assertNull(back.keywordRank());
        assertEquals(RECORD.id(), back.record().id());
    }

    @Test
    void theLastPageSaysSoAndUnknownFieldsAreIgnored() throws Exception {
        assertEquals("{\"records\":[],\"nextCursor\":null}", JSON.writeValueAsString(new RecordList(List.of(), null)));
        assertEquals("{\"tenants\":[{\"name\":\"acme\",\"open\":true}],\"nextCursor\":null}",
                JSON.writeValueAsString(new TenantList(List.of(new TenantList.Entry("acme", true)), null)));
        UpsertResult newer = JSON.readValue("{\"upserted\": 2, \"seq\": 7, \"addedLater\": {\"x\": 1}}", UpsertResult.class);
        assertEquals(new UpsertResult(2, 7), newer);
        assertEquals("{\"type\":\"https://litemem.dev/problems/invalid-input\",\"title\":\"invalid-input\",\"status\":400,"
                + "\"detail\":\"k must be a whole number\",\"field\":\"k\"}",
                JSON.writeValueAsString(ProblemJson.of("invalid-input", 400, "k must be a whole number", "k")));
    }
}
