package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litemem.testing.TempStores;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** litemem remember / recall / forget as a user runs them: child processes on a real file. */
class MemoryCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void rememberRecallAndForgetAUsersMemory() throws Exception {
        Cli.Result added = Cli.run(stores.dir(), "remember", "Alice prefers short answers", "--db", "m.db",
                "--user", "alice", "--kind", "preference", "--importance", "0.9", "--json");
        assertEquals(0, added.exit(), added.toString());
        JsonNode first = JSON.readTree(added.lastLine());
        assertEquals("ADDED", first.get("outcome").asText());

        Cli.Result repeat = Cli.run(stores.dir(), "remember", "alice prefers short answers.", "--db", "m.db",
                "--user", "alice", "--json");
        JsonNode again = JSON.readTree(repeat.lastLine());
        assertEquals("UNCHANGED", again.get("outcome").asText());
        assertEquals(first.get("id").asText(), again.get("id").asText());

        assertEquals(0, Cli.run(stores.dir(), "remember", "Bob prefers long answers", "--db", "m.db", "--user", "bob",
                "--session", "s1", "--ttl", "7d").exit());
        Cli.Result plain = Cli.run(stores.dir(), "remember", "Alice's meeting is at 10", "--db", "m.db", "--user",
                "alice", "--agent", "planner", "--ttl", "PT2H");
        assertTrue(plain.out().startsWith("added "), plain.toString());

        Cli.Result recall = Cli.run(stores.dir(), "recall", "how does Alice like answers", "--db", "m.db", "--user",
                "alice", "--k", "5", "--json");
        assertEquals(0, recall.exit(), recall.toString());
        List<String> lines = recall.lines();
        assertEquals(2, lines.size(), recall.toString());
        JsonNode top = JSON.readTree(lines.get(0));
        // The shape of 'query --json', with the memory's own fields.
        for (String field : List.of("id", "score", "text", "metadata", "source", "chunk", "created", "updated", "kind",
                "importance", "scope", "expires", "relevance_part", "recency_part", "importance_part")) {
            assertTrue(top.has(field), field + " in " + top);
        }
        assertEquals("Alice prefers short answers", top.get("text").asText());
        assertEquals("preference", top.get("kind").asText());
        assertTrue(lines.stream().noneMatch(l -> l.contains("Bob")), "another user's memory leaked: " + recall);

        Cli.Result agentOnly = Cli.run(stores.dir(), "recall", "meeting", "--db", "m.db", "--user", "alice", "--agent",
                "planner", "--json");
        assertEquals(1, agentOnly.lines().size(), agentOnly.toString());

        Cli.Result forget = Cli.run(stores.dir(), "forget", "--db", "m.db", "--user", "alice", "--json");
        assertEquals(2, JSON.readTree(forget.lastLine()).get("forgotten").asInt(), forget.toString());
        Cli.Result none = Cli.run(stores.dir(), "recall", "answers", "--db", "m.db", "--user", "alice");
        assertEquals("no memories", none.lastLine());
        Cli.Result bob = Cli.run(stores.dir(), "recall", "answers", "--db", "m.db", "--user", "bob", "--json");
        assertEquals(1, bob.lines().size(), bob.toString());
    }

    @Test
    void badInputExitsWithTwoAndSaysWhatWasWrong() throws Exception {
        Cli.Result ttl = Cli.run(stores.dir(), "remember", "x", "--db", "m.db", "--user", "alice", "--ttl", "soon");
        assertEquals(2, ttl.exit(), ttl.toString());
        assertTrue(ttl.err().contains("--ttl must be a duration"), ttl.toString());
        Cli.Result importance = Cli.run(stores.dir(), "remember", "x", "--db", "m.db", "--user", "alice",
                "--importance", "3");
        assertEquals(2, importance.exit(), importance.toString());
        Cli.Result noUser = Cli.run(stores.dir(), "recall", "x", "--db", "m.db");
        assertEquals(2, noUser.exit(), noUser.toString());
        Cli.Result missing = Cli.run(stores.dir(), "recall", "x", "--db", "none.db", "--user", "alice");
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("does not exist"), missing.toString());
    }
}
