package dev.litemem.embedding;

import dev.litemem.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The embedding module uses memory-core through its public API (and the shared helpers of dev.litemem.internal). */
class ArchitectureTest {
    @Test
    void usesNoInternalsOfTheCore() {
        ArchitectureRules.coreInternalsStayInTheCore().check(ArchitectureRules.mainClassesOf(OnnxEmbedder.class));
    }
}
