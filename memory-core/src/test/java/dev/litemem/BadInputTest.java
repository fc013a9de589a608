package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** Every refused input names the offending part, says what to do, and leaves what was stored untouched. */
class BadInputTest {
    private static final String SECRET = "s3cret-user-text";
    @RegisterExtension
    final TempStores stores = new TempStores();
    private LiteMem mem;
    private Collection vectors;

    @BeforeEach
    void open() {
        mem = stores.open(stores.path("bad.db"));
        vectors = mem.collection("v", CollectionSpec.vectors(4, Metric.COSINE));
        vectors.upsert(Record.builder().id("kept").text(SECRET).vector(new float[] {1, 0, 0, 0}).build());
    }

    @AfterEach
    void close() {
        assertEquals(1, vectors.count(), "the stored record is still there");
        assertEquals(SECRET, vectors.get("kept").orElseThrow().text());
        mem.close();
    }

    @Test
    void aWrongDimensionNamesBothDimensions() {
        InvalidInputException e = refused("records[1].vector", () -> vectors.upsertAll(List.of(
                Record.builder().id("ok").vector(new float[] {0, 1, 0, 0}).build(),
                Record.builder().id("bad").text(SECRET).vector(new float[] {1, 2, 3}).build())));
        assertTrue(e.getMessage().contains("3 dimensions") && e.getMessage().contains("4 dimensions"), e.getMessage());
    }

    @Test
    void nanAndInfiniteComponentsAreRefused() {
        refused("records[0].vector", () -> vectors.upsert(Record.builder().id("n").vector(new float[] {1, Float.NaN, 0, 0}).build()));
        refused("records[0].vector", () -> vectors.upsert(Record.builder().id("i").vector(new float[] {Float.POSITIVE_INFINITY, 0, 0, 0}).build()));
        refused("vector", () -> vectors.search(new float[] {Float.NaN, 0, 0, 0}, 3));
        refused("vector", () -> vectors.search(new float[] {1, 0}, 3));
    }

    @Test
    void emptyIdsAndEmptyRecordsAreRefused() {
        refused("records[0].id", () -> vectors.upsert(Record.builder().id("  ").vector(new float[] {1, 0, 0, 0}).build()));
        refused("records[0].id", () -> vectors.upsert(Record.builder().id("x".repeat(513)).vector(new float[] {1, 0, 0, 0}).build()));
        refused("records[0]", () -> vectors.upsert(Record.builder().id("nothing").build()));
        refused("records[0].text", () -> mem.collection("notes").upsert(Record.of("blank", "   ", Map.of())));
        refused("records[0].vector", () -> vectors.upsert(Record.of("needs-vector", SECRET, Map.of())));
    }

    @Test
    void anIdWithANulCharacterIsRefused() {
        refused("records[0].id", () -> vectors.upsert(Record.builder().id("a\0b").vector(new float[] {1, 0, 0, 0}).build()));
        refused("records[1].id", () -> vectors.upsertAll(List.of(Record.builder().id("fine").vector(new float[] {0, 1, 0, 0}).build(),
                Record.builder().id("\0").vector(new float[] {1, 0, 0, 0}).build())));
    }

    @Test
    void typedJsonIsReadStrictlyAndDeepNestingIsAClearError() {
        String deep = "{\"a\": ".repeat(1_001) + "1" + "}".repeat(1_001);
        refused("where", () -> Filter.parse(deep));
        refused("where", () -> Filter.parse("{\"user\": \"alice\"} " + SECRET));
        refused("where", () -> Filter.parse("{\"user\": \"alice\", \"user\": \"" + SECRET + "\"}"));
        refused("where", () -> Filter.parse("{\"year\": NaN}"));
        refused("metadata", () -> Record.builder().metadataJson(deep));
        refused("metadata", () -> Record.builder().metadataJson("{\"a\": 1} {\"b\": 2}"));
        refused("metadata", () -> Record.builder().metadataJson("{\"a\": 1, \"a\": 2}"));
        assertEquals(Map.of("a", 1), Record.builder().metadataJson(" {\"a\": 1} ").build().metadata());
        assertEquals(1, vectors.count(Filter.parse("{\"$not\": {\"@id\": \"other\"}}")));
    }

    @Test
    void metadataThatIsNotAJsonObjectIsRefused() {
        refused("metadata", () -> Record.builder().id("m").metadataJson("[1, 2, 3]"));
        refused("metadata", () -> Record.builder().id("m").metadataJson("\"" + SECRET + "\""));
        refused("metadata", () -> Record.builder().id("m").metadataJson("{not json " + SECRET));
        Record ok = Record.builder().id("m").vector(new float[] {0, 0, 1, 0}).metadataJson("{\"a\": {\"b\": [1, 2]}}").build();
        vectors.upsert(ok);
        assertEquals(Map.of("a", Map.of("b", List.of(1, 2))), vectors.get("m").orElseThrow().metadata());
        assertTrue(vectors.delete("m"));
    }

    @Test
    void malformedFiltersPointAtTheOffendingPart() {
        refused("where.year.$gtt", () -> Filter.parse("{\"year\": {\"$gtt\": 3}}"));
        refused("where.$or", () -> Filter.parse("{\"$or\": {}}"));
        refused("where.$or[1].tag.$in", () -> Filter.parse("{\"$or\": [{\"a\": 1}, {\"tag\": {\"$in\": 5}}]}"));
        refused("where", () -> Filter.parse("{\"user\": "));
        refused("where", () -> Filter.parse("[1]"));
        refused("where.@owner", () -> Filter.parse("{\"@owner\": \"x\"}"));
        refused("where.when.$gte", () -> vectors.count(Filter.parse("{\"when\": {\"$gte\": true}}")));
    }

    @Test
    void aBadCollectionNameOrKIsRefused() {
        refused("collection", () -> mem.collection("../etc/passwd"));
        refused("collection", () -> mem.collection(""));
        refused("k", () -> SearchRequest.vector(new float[] {1, 0, 0, 0}).k(0));
        refused("limit", () -> vectors.list(null, 0));
    }

    private InvalidInputException refused(String field, Executable action) {
        InvalidInputException e = assertThrows(InvalidInputException.class, action);
        assertEquals(field, e.field(), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), "user text never appears in messages: " + e.getMessage());
        return e;
    }
}
