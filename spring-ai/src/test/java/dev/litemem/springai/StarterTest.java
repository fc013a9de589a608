package dev.litemem.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.litemem.LiteMem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** An application with nothing but the starter and one property: documents in, search out, all in the file. */
@SpringBootTest(classes = StarterTest.App.class)
class StarterTest {
    private static final Path DIR = tempDir();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("litemem.path", () -> DIR.resolve("app.db").toString());
    }

    @Autowired
    VectorStore vectorStore;
    @Autowired
    EmbeddingModel embeddingModel;
    @Autowired
    ChatMemoryRepository chatMemoryRepository;
    @Autowired
    LiteMem liteMem;
    @Autowired
    ChatMemory chatMemory;

    @Test
    void theStarterAloneGivesAVectorStoreOnTheFileWithTheBundledModel() {
        assertThat(vectorStore).isInstanceOf(LiteMemVectorStore.class);
        assertThat(embeddingModel).isInstanceOf(LiteMemEmbeddingModel.class);
        assertThat(chatMemoryRepository).isInstanceOf(LiteMemChatMemoryRepository.class);
        assertThat(liteMem.path()).isEqualTo(DIR.resolve("app.db"));

        vectorStore.add(List.of(new Document("Deploys go out on Tuesdays after the canary passes", Map.of("team", "ops")),
                new Document("The team lunch is on Fridays at noon", Map.of("team", "people"))));
        List<Document> found = vectorStore.similaritySearch(SearchRequest.builder().query("when do we ship to production?")
                .topK(1).build());
        assertThat(found).extracting(Document::getText).containsExactly("Deploys go out on Tuesdays after the canary passes");
        assertThat(liteMem.collection("documents").count()).isEqualTo(2);
    }

    @Test
    void springAisChatMemoryKeepsItsMessagesInTheFile() {
        chatMemory.add("c-42", new UserMessage("remember me"));
        assertThat(chatMemoryRepository.findByConversationId("c-42")).extracting(m -> m.getText()).containsExactly("remember me");
        assertThat(liteMem.<Long, RuntimeException>withReadHandle(h -> h.createQuery(
                "SELECT count(*) FROM spring_ai_chat_memory").mapTo(Long.class).one())).isEqualTo(1L);
    }

    private static Path tempDir() {
        try {
            Files.createDirectories(Path.of("target"));
            return Files.createTempDirectory(Path.of("target").toAbsolutePath(), "starter-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
