package dev.litemem.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.LiteMemOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiteMemChatMemoryStoreTest {
    private static final LiteMemOptions NO_MODEL = LiteMemOptions.builder().useBundledEmbedder(false).build();
    @TempDir
    Path dir;

    @Test
    void messagesOfEveryKindSurviveReopeningPerMemoryId() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("t1").name("weather").arguments("{\"city\":\"Oslo\"}").build();
        List<ChatMessage> messages = List.of(SystemMessage.from("Be brief."), UserMessage.from("Weather in Oslo?"),
                AiMessage.from(call), ToolExecutionResultMessage.from(call, "4 degrees"), AiMessage.from("4 degrees."));
        Path file = dir.resolve("chat.db");
        try (LiteMem mem = LiteMem.open(file, NO_MODEL)) {
            LiteMemChatMemoryStore store = new LiteMemChatMemoryStore(mem);
            store.updateMessages("alice", messages);
            store.updateMessages(42, List.of(UserMessage.from("hi")));
        }
        try (LiteMem mem = LiteMem.open(file, NO_MODEL)) {
            LiteMemChatMemoryStore store = new LiteMemChatMemoryStore(mem);
            assertEquals(messages, store.getMessages("alice"));
            assertEquals(List.of(UserMessage.from("hi")), store.getMessages("42"), "ids compare by their text");
            store.deleteMessages("alice");
            assertTrue(store.getMessages("alice").isEmpty());
            assertFalse(store.getMessages(42).isEmpty());
        }
    }

    @Test
    void worksAsTheStoreOfAWindowMemory() {
        try (LiteMem mem = LiteMem.open(dir.resolve("window.db"), NO_MODEL)) {
            LiteMemChatMemoryStore store = new LiteMemChatMemoryStore(mem);
            MessageWindowChatMemory memory = MessageWindowChatMemory.builder().id("bob").maxMessages(2)
                    .chatMemoryStore(store).build();
            memory.add(UserMessage.from("one"));
            memory.add(AiMessage.from("two"));
            memory.add(UserMessage.from("three"));
            assertEquals(List.of(AiMessage.from("two"), UserMessage.from("three")), store.getMessages("bob"));
        }
    }

    @Test
    void aDamagedRowIsRefusedNotMisread() {
        try (LiteMem mem = LiteMem.open(dir.resolve("damaged.db"), NO_MODEL)) {
            LiteMemChatMemoryStore store = new LiteMemChatMemoryStore(mem);
            store.updateMessages("carol", List.of(UserMessage.from("keep this")));
            mem.inTransaction(h -> h.execute("UPDATE " + LiteMemChatMemoryStore.TABLE
                    + " SET messages = replace(messages, 'keep', 'lose')"));
            LiteMemException e = assertThrows(LiteMemException.class, () -> store.getMessages("carol"));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
            assertFalse(e.getMessage().contains("keep this"), "no user text in messages");
            mem.inTransaction(h -> h.execute("UPDATE " + LiteMemChatMemoryStore.TABLE + " SET format = 9"));
            assertTrue(assertThrows(LiteMemException.class, () -> store.getMessages("carol")).getMessage().contains("format 9"));
            assertThrows(IllegalArgumentException.class, () -> store.getMessages(null));
        }
    }
}
