package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The filter language against real rows: each case names the ids it must select. */
class FilterTest {
    @RegisterExtension
    final TempStores stores = new TempStores();
    private LiteMem mem;
    private Collection c;

    @BeforeEach
    void fill() {
        mem = stores.open(stores.path("filters.db"));
        c = mem.collection("docs", CollectionSpec.vectors(2, Metric.L2));
        c.upsertAll(List.of(
                rec("a", Map.of("user", "alice", "year", 2021, "tags", "x", "when", "2024-01-15", "pinned", true), "notes/a.md"),
                rec("b", Map.of("user", "bob", "year", 2019, "when", "2023-12-31T23:00:00Z", "pinned", false), "notes/b.md"),
                rec("c", Map.of("user", "carol", "year", "2022", "author", Map.of("name", "Carol")), null),
                rec("d", Map.of("year", 2024.5, "score", -1), null)));
    }

    @AfterEach
    void close() {
        mem.close();
    }

    @Test
    void equalityAndInequality() {
        assertSelects("{\"user\": \"alice\"}", "a");
        assertSelects("{\"user\": {\"$ne\": \"alice\"}}", "b", "c", "d");
        assertSelects("{\"pinned\": true}", "a");
        assertSelects("{\"pinned\": false}", "b");
        assertSelects("{\"author.name\": \"Carol\"}", "c");
        assertSelects("{\"year\": 2021}", "a");
    }

    @Test
    void numbersCompareAsNumbersAndNeverMatchText() {
        assertSelects("{\"year\": {\"$gte\": 2020}}", "a", "d");
        assertSelects("{\"year\": {\"$gt\": 2019, \"$lt\": 2022}}", "a");
        assertSelects("{\"score\": {\"$lt\": 0}}", "d");
    }

    @Test
    void isoDatesCompareAsInstants() {
        assertSelects("{\"when\": {\"$gte\": \"2024-01-01\"}}", "a");
        assertSelects("{\"when\": {\"$lt\": \"2024-01-01T00:00:00+00:30\"}}", "b");
    }

    @Test
    void inNotInAndExists() {
        assertSelects("{\"user\": {\"$in\": [\"alice\", \"carol\", \"zed\"]}}", "a", "c");
        assertSelects("{\"user\": {\"$nin\": [\"alice\"]}}", "b", "c", "d");
        assertSelects("{\"tags\": {\"$exists\": true}}", "a");
        assertSelects("{\"user\": {\"$exists\": false}}", "d");
    }

    @Test
    void booleanLogic() {
        assertSelects("{\"$or\": [{\"user\": \"alice\"}, {\"score\": {\"$lt\": 0}}]}", "a", "d");
        assertSelects("{\"$not\": {\"user\": \"alice\"}}", "b", "c", "d");
        assertSelects("{\"$and\": [{\"year\": {\"$gt\": 2000}}, {\"user\": {\"$exists\": true}}]}", "a", "b");
    }

    @Test
    void recordFields() {
        assertSelects("{\"@id\": {\"$in\": [\"b\", \"c\"]}}", "b", "c");
        assertSelects("{\"@source\": \"notes/a.md\"}", "a");
        assertSelects("{\"@source\": {\"$exists\": false}}", "c", "d");
        assertSelects("{\"@created\": {\"$lte\": \"" + Instant.now().plusSeconds(60) + "\"}}", "a", "b", "c", "d");
        assertSelects("{\"@updated\": {\"$gt\": \"2999-01-01\"}}");
    }

    @Test
    void valuesAreBoundNeverConcatenated() {
        assertSelects("{\"user\": \"x' OR '1'='1\"}");
        assertSelects("{\"a') OR 1=1 --\": 1}");
        assertEquals(4, c.count());
    }

    private void assertSelects(String json, String... ids) {
        Set<String> found = new TreeSet<>();
        c.list(Filter.parse(json), null, 100).items().forEach(r -> found.add(r.id()));
        assertEquals(new TreeSet<>(List.of(ids)), found, json);
        assertEquals(ids.length, c.count(Filter.parse(json)), json);
    }

    private static Record rec(String id, Map<String, ?> metadata, String source) {
        return Record.builder().id(id).vector(new float[] {1, 2}).metadata(metadata).source(source, source == null ? null : 0).build();
    }
}
