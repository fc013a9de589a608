package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.litemem.internal.store.Database;
import dev.litemem.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * memory-core's layout holds: its API packages hold public types only, and no public signature there mentions an
 * internal type (so internals can change freely). Every other module's ArchitectureTest checks that it uses none of
 * memory-core's internal packages. The last tests show each rule catches what it is for.
 */
class ArchitectureTest {
    private static final JavaClasses CORE = ArchitectureRules.mainClassesOf(LiteMem.class);

    @Test
    void apiPackagesHoldOnlyPublicTypes() {
        ArchitectureRules.apiPackagesHoldOnlyPublicTypes().check(CORE);
    }

    @Test
    void publicSignaturesExposeNoInternalType() {
        ArchitectureRules.apiSignaturesExposeNoInternalType().check(CORE);
    }

    @Test
    void theRulesCatchWhatTheyAreFor() {
        JavaClasses fixtures = new ClassFileImporter().importClasses(Exposing.class, StoreBasicsTest.class,
                SearchModesTest.class);
        AssertionError hidden = assertThrows(AssertionError.class,
                () -> ArchitectureRules.apiPackagesHoldOnlyPublicTypes().check(fixtures));
        assertTrue(hidden.getMessage().contains("StoreBasicsTest"), hidden.getMessage());
        AssertionError exposed = assertThrows(AssertionError.class,
                () -> ArchitectureRules.apiSignaturesExposeNoInternalType().check(fixtures));
        assertTrue(exposed.getMessage().contains("Exposing.database()"), exposed.getMessage());
        AssertionError used = assertThrows(AssertionError.class,
                () -> ArchitectureRules.coreInternalsStayInTheCore().check(fixtures));
        assertTrue(used.getMessage().contains("SearchModesTest"), used.getMessage());
    }

    /** A public API type whose public method hands out an internal type: what the signature rule refuses. */
    public static final class Exposing {
        private Exposing() {
        }

        public Database database() {
            return null;
        }
    }
}
