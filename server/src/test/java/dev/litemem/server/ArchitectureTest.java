package dev.litemem.server;

import dev.litemem.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The server (and its client classes) use memory-core through its public API and the shared dev.litemem.internal. */
class ArchitectureTest {
    @Test
    void usesNoInternalsOfTheCore() {
        ArchitectureRules.coreInternalsStayInTheCore().check(ArchitectureRules.mainClassesOf(MemoryServer.class));
    }
}
