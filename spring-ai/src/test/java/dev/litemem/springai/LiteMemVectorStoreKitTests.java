package dev.litemem.springai;

import dev.litemem.springai.autoconfigure.LiteMemAutoConfiguration;
import dev.litemem.springai.autoconfigure.LiteMemEmbeddingAutoConfiguration;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Spring AI's own vector store test kit (delete by ids, by a filter expression and by a filter string), run unchanged
 * against the VectorStore that the starter configures from one property, with LiteMem's bundled model.
 */
class LiteMemVectorStoreKitTests extends BaseVectorStoreTests {
    @TempDir
    Path dir;

    @Override
    protected void executeTest(Consumer<VectorStore> testFunction) {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(LiteMemAutoConfiguration.class, LiteMemEmbeddingAutoConfiguration.class))
                .withPropertyValues("litemem.path=" + dir.resolve("kit.db"))
                .run(context -> testFunction.accept(context.getBean(VectorStore.class)));
    }
}
