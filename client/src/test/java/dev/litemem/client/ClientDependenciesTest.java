package dev.litemem.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.litemem.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * litemem-client's classes use the JDK, Jackson and LiteMem's public API ({@code dev.litemem}, {@code dev.litemem.index},
 * {@code dev.litemem.memory}, {@code dev.litemem.work}, {@code dev.litemem.changes})
 * only: never the server, Jetty, Javalin, a servlet API or memory-core's internals. (The enforcer rule in client/pom.xml checks the same of the artifacts.)
 */
class ClientDependenciesTest {
    static final ArchRule CORE_AND_JSON_ONLY = classes().should().onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "com.fasterxml.jackson..", "dev.litemem", "dev.litemem.index", "dev.litemem.memory",
                    "dev.litemem.work", "dev.litemem.changes",
                    "dev.litemem.client..")
            .because("an agent that talks to a LiteMem server carries core and JSON only");

    @Test
    void theClientUsesCoreAndJsonOnly() {
        CORE_AND_JSON_ONLY.check(ArchitectureRules.mainClassesOf(MemoryClient.class));
        ArchitectureRules.coreInternalsStayInTheCore().check(ArchitectureRules.mainClassesOf(MemoryClient.class));
    }

    /** The rule can fail: a class that logs through SLF4J (on this test class path, not allowed in the client). */
    @Test
    void theRuleFailsOnAClassThatUsesAnotherLibrary() {
        assertThrows(AssertionError.class, () -> CORE_AND_JSON_ONLY.check(new ClassFileImporter().importClasses(Logs.class)));
    }

    static final class Logs {
        final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Logs.class);
    }
}
