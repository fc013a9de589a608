package dev.litemem.springai.autoconfigure;

import dev.litemem.Embedders;
import dev.litemem.springai.LiteMemEmbeddingModel;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * LiteMem's bundled local model ({@code litemem.model}, all-MiniLM-L6-v2 by default) as the application's
 * {@link EmbeddingModel} when it has none: ordered last, so that a model from the application or another starter
 * (OpenAI, Ollama, ...) wins.
 */
@AutoConfiguration
@AutoConfigureOrder(Ordered.LOWEST_PRECEDENCE)
@EnableConfigurationProperties(LiteMemProperties.class)
public class LiteMemEmbeddingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(EmbeddingModel.class)
    public LiteMemEmbeddingModel liteMemEmbeddingModel(LiteMemProperties properties) {
        return new LiteMemEmbeddingModel(properties.getModel() == null
                ? Embedders.bundled() : Embedders.bundled(properties.getModel()));
    }
}
