package dev.litemem.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import dev.litemem.LiteMem;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * LangChain4j's own test kit for stores with metadata filters (which includes EmbeddingStoreIT: adding, searching,
 * scores, min score, typed metadata), run unchanged against LiteMem with LangChain4j's bundled all-MiniLM-L6-v2. The
 * only hook used is clearStore, which the kit calls before every test.
 */
class LiteMemEmbeddingStoreWithFilteringTest extends EmbeddingStoreWithFilteringIT {
    @TempDir
    static Path dir;
    private static final EmbeddingModel MODEL = new AllMiniLmL6V2EmbeddingModel();
    private static LiteMem mem;
    private static LiteMemEmbeddingStore store;

    @BeforeAll
    static void open() {
        mem = LiteMem.open(dir.resolve("langchain4j.db"));
        store = LiteMemEmbeddingStore.builder().store(mem).collection("segments").build();
    }

    @AfterAll
    static void close() {
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

    @Override
    protected void clearStore() {
        store.removeAll();
    }
}
