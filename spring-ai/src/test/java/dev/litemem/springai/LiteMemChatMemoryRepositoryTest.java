package dev.litemem.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.LiteMemOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;

class LiteMemChatMemoryRepositoryTest {
    private static final LiteMemOptions NO_MODEL = LiteMemOptions.builder().useBundledEmbedder(false).build();
    @TempDir
    Path dir;

    @Test
    void conversationsSurviveReopeningWithEveryMessageKind() {
        AssistantMessage.ToolCall call = new AssistantMessage.ToolCall("t1", "function", "weather", "{\"city\":\"Oslo\"}");
        List<Message> messages = List.of(new SystemMessage("Be brief."),
                UserMessage.builder().text("Weather in Oslo?").metadata(Map.of("user", "alice")).build(),
                AssistantMessage.builder().content("").toolCalls(List.of(call)).build(),
                ToolResponseMessage.builder().responses(List.of(new ToolResponseMessage.ToolResponse("t1", "weather", "4 degrees"))).build(),
                new AssistantMessage("4 degrees."));
        Path file = dir.resolve("chat.db");
        try (LiteMem mem = LiteMem.open(file, NO_MODEL)) {
            LiteMemChatMemoryRepository repository = new LiteMemChatMemoryRepository(mem);
            repository.saveAll("c1", messages);
            repository.saveAll("c2", List.of(new UserMessage("hi")));
        }
        try (LiteMem mem = LiteMem.open(file, NO_MODEL)) {
            LiteMemChatMemoryRepository repository = new LiteMemChatMemoryRepository(mem);
            assertThat(repository.findConversationIds()).containsExactly("c1", "c2");
            List<Message> read = repository.findByConversationId("c1");
            assertThat(read).isEqualTo(messages);
            assertThat(((AssistantMessage) read.get(2)).getToolCalls()).containsExactly(call);
            assertThat(read.get(1).getMetadata()).containsEntry("user", "alice");
            repository.deleteByConversationId("c1");
            assertThat(repository.findConversationIds()).containsExactly("c2");
            assertThat(repository.findByConversationId("c1")).isEmpty();
        }
    }

    @Test
    void backsSpringAiChatMemory() {
        try (LiteMem mem = LiteMem.open(dir.resolve("window.db"), NO_MODEL)) {
            LiteMemChatMemoryRepository repository = new LiteMemChatMemoryRepository(mem);
            MessageWindowChatMemory memory = MessageWindowChatMemory.builder().chatMemoryRepository(repository).maxMessages(10).build();
            memory.add("bob", new UserMessage("one"));
            memory.add("bob", new AssistantMessage("two"));
            memory.add("bob", new UserMessage("three"));
            assertThat(repository.findByConversationId("bob")).extracting(Message::getText).containsExactly("one", "two", "three");
            MessageWindowChatMemory later = MessageWindowChatMemory.builder().chatMemoryRepository(repository).build();
            assertThat(later.get("bob")).extracting(Message::getText).containsExactly("one", "two", "three");
        }
    }

    @Test
    void aDamagedRowIsRefusedNotMisread() {
        try (LiteMem mem = LiteMem.open(dir.resolve("damaged.db"), NO_MODEL)) {
            LiteMemChatMemoryRepository repository = new LiteMemChatMemoryRepository(mem);
            repository.saveAll("c", List.of(new UserMessage("keep this")));
            mem.inTransaction(h -> h.execute("UPDATE " + LiteMemChatMemoryRepository.TABLE
                    + " SET messages = replace(messages, 'keep', 'lose')"));
            assertThatThrownBy(() -> repository.findByConversationId("c")).isInstanceOf(LiteMemException.class)
                    .hasMessageContaining("checksum").hasMessageNotContaining("keep this");
            assertThatThrownBy(() -> repository.saveAll(" ", List.of())).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
