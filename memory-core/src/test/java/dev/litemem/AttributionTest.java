package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every change records who made it: the store's default actor, or the one a write names. */
class AttributionTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void writesAreRecordedAsTheDefaultActorOrTheOneAViewNames() {
        Actor planner = new Actor("planner-agent", "alice", "gpt-4o-2024-08-06", "notes:write", "req-42");
        LiteMemOptions options = LiteMemOptions.builder().embedder(new WordHashEmbedder())
                .defaultActor(Actor.of("ingest-bot")).build();
        try (LiteMem mem = stores.open(stores.path("a.db"), options)) {
            Collection notes = mem.collection("notes");
            notes.upsert(Record.of("n1", "first note", java.util.Map.of()));
            Collection asPlanner = notes.as(planner);
            asPlanner.upsert(Record.of("n2", "second note", java.util.Map.of()));
            asPlanner.delete("n1");
            notes.upsert(Record.of("n3", "third note", java.util.Map.of()));

            List<Change> log = mem.changesSince(0, 10);
            assertEquals(4, log.size());
            assertEquals(Actor.of("ingest-bot"), log.get(0).attribution());
            assertEquals("ingest-bot", log.get(0).actor());
            assertEquals(planner, log.get(1).attribution());
            assertEquals(planner, log.get(2).attribution());
            assertEquals(Change.Operation.DELETE, log.get(2).op());
            assertEquals(Actor.of("ingest-bot"), log.get(3).attribution(), "a view must not change its collection's actor");
            assertEquals(planner, asPlanner.actor());
            assertEquals(Change.RECORD, log.get(1).entity());
        }
    }

    @Test
    void withoutAnActorNobodyIsRecorded() {
        try (LiteMem mem = stores.open("b.db")) {
            mem.collection("notes").upsert(Record.of("n1", "a note", java.util.Map.of()));
            Change change = mem.changesSince(0, 1).get(0);
            assertNull(change.actor());
            assertNull(change.attribution());
        }
    }

    @Test
    void badActorsAreRefusedWithTheFieldNamed() {
        InvalidInputException blank = assertThrows(InvalidInputException.class, () -> Actor.of(" "));
        assertEquals("actor.id", blank.field());
        InvalidInputException control = assertThrows(InvalidInputException.class,
                () -> Actor.of("agent").withModel("gpt\n4"));
        assertEquals("actor.model", control.field());
        InvalidInputException longOne = assertThrows(InvalidInputException.class,
                () -> Actor.of("agent").withAuthority("x".repeat(Actor.MAX_LENGTH + 1)));
        assertEquals("actor.authority", longOne.field());
    }
}
