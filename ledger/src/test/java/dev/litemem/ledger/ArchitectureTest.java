package dev.litemem.ledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.litemem.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The ledger reads files through memory-core's public API only, and the core never carries the PostgreSQL driver. */
class ArchitectureTest {
    @Test
    void usesNoInternalsOfTheCore() {
        ArchitectureRules.coreInternalsStayInTheCore().check(ArchitectureRules.mainClassesOf(Shipper.class));
    }

    @Test
    void theCoreNeverTouchesThePostgresDriver() {
        JavaClasses core = ArchitectureRules.mainClassesOf(dev.litemem.LiteMem.class);
        noClasses().should().dependOnClassesThat().resideInAPackage("org.postgresql..").check(core);
    }
}
