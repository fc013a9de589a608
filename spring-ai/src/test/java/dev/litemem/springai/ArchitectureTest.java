package dev.litemem.springai;

import dev.litemem.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The Spring AI adapter and its starter use memory-core through its public API only. */
class ArchitectureTest {
    @Test
    void usesNoInternalsOfTheCore() {
        ArchitectureRules.coreInternalsStayInTheCore().check(ArchitectureRules.mainClassesOf(LiteMemVectorStore.class));
    }
}
