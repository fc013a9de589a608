package dev.litemem.langchain4j;

import dev.litemem.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The LangChain4j adapter uses memory-core through its public API only. */
class ArchitectureTest {
    @Test
    void usesNoInternalsOfTheCore() {
        ArchitectureRules.coreInternalsStayInTheCore().check(ArchitectureRules.mainClassesOf(LiteMemEmbeddingStore.class));
    }
}
