package dev.litemem.backup;

import dev.litemem.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The backup module uses memory-core through its public API (and the shared helpers of dev.litemem.internal). */
class ArchitectureTest {
    @Test
    void usesNoInternalsOfTheCore() {
        ArchitectureRules.coreInternalsStayInTheCore().check(ArchitectureRules.mainClassesOf(Backup.class));
    }
}
