package dev.litemem.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import dev.litemem.LiteMem;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * LangChain4j's own test kit for removal (by id, by ids, by filter, all), run unchanged against LiteMem; each test gets
 * a new file, since the kit expects an empty store and has no hook to clear one.
 */
class LiteMemEmbeddingStoreWithRemovalTest extends EmbeddingStoreWithRemovalIT {
    private static final EmbeddingModel MODEL = new AllMiniLmL6V2EmbeddingModel();
    @TempDir
    Path dir;
    private LiteMem mem;
    private LiteMemEmbeddingStore store;

    @BeforeEach
    void open() {
        mem = LiteMem.open(dir.resolve("removal.db"));
        store = LiteMemEmbeddingStore.builder().store(mem).build();
    }

    @AfterEach
    void close() {
        mem.close();
    }

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return store;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return MODEL;
    }
}
