package dev.litemem.springai.autoconfigure;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.springai.LiteMemChatMemoryRepository;
import dev.litemem.springai.LiteMemVectorStore;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The LiteMem file ({@code litemem.path}), a {@link LiteMemVectorStore} over its collection
 * ({@code litemem.collection}) and a {@link LiteMemChatMemoryRepository}, each unless the application defines its
 * own. Runs before Spring AI's chat memory auto-configuration, so that chat memory lands in the file instead of in
 * memory. The default embedding model is in {@link LiteMemEmbeddingAutoConfiguration}.
 */
@AutoConfiguration(beforeName = "org.springframework.ai.model.chat.memory.autoconfigure.ChatMemoryAutoConfiguration")
@EnableConfigurationProperties(LiteMemProperties.class)
public class LiteMemAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public LiteMem liteMem(LiteMemProperties properties) {
        LiteMemOptions.Builder options = LiteMemOptions.builder();
        if (properties.getModel() != null) {
            options.embedder(dev.litemem.Embedders.bundled(properties.getModel()));
        }
        return LiteMem.open(Path.of(properties.getPath()), options.build());
    }

    @Bean
    @ConditionalOnMissingBean(VectorStore.class)
    @ConditionalOnProperty(name = "spring.ai.vectorstore.type", havingValue = "litemem", matchIfMissing = true)
    public LiteMemVectorStore liteMemVectorStore(LiteMem liteMem, EmbeddingModel embeddingModel, LiteMemProperties properties,
                                                 ObjectProvider<ObservationRegistry> observationRegistry,
                                                 ObjectProvider<VectorStoreObservationConvention> convention,
                                                 ObjectProvider<BatchingStrategy> batchingStrategy) {
        LiteMemVectorStore.Builder builder = LiteMemVectorStore.builder(liteMem, embeddingModel)
                .collection(properties.getCollection())
                .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
                .customObservationConvention(convention.getIfAvailable(() -> null));
        batchingStrategy.ifUnique(builder::batchingStrategy);
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean(ChatMemoryRepository.class)
    public LiteMemChatMemoryRepository liteMemChatMemoryRepository(LiteMem liteMem) {
        return new LiteMemChatMemoryRepository(liteMem);
    }
}
