package dev.litemem.ledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
        // The core's classes wherever they are (a classes folder, or a jar in a reactor build).
        JavaClasses core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackagesOf(dev.litemem.LiteMem.class);
        noClasses().that().resideOutsideOfPackage("dev.litemem.ledger..")
                .should().dependOnClassesThat().resideInAPackage("org.postgresql..").check(core);
    }
}
