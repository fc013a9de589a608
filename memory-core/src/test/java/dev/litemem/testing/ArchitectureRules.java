package dev.litemem.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rules that keep memory-core's internals internal, for every module's architecture test (ArchUnit). The
 * seam: {@code dev.litemem.internal} itself holds the few helpers LiteMem's modules share (Sha256); its subpackages
 * ({@code dev.litemem.internal.store}, {@code .filter}, {@code .search}, {@code .index}, {@code .ingest}) are
 * memory-core's implementation, used by no other module.
 */
public final class ArchitectureRules {
    /** The packages of memory-core's public API. */
    public static final Set<String> API_PACKAGES = Set.of("dev.litemem", "dev.litemem.ingest", "dev.litemem.spi");

    private static final DescribedPredicate<JavaClass> CORE_INTERNALS = DescribedPredicate.describe(
            "are in memory-core's internal packages (dev.litemem.internal.*)",
            c -> c.getPackageName().startsWith("dev.litemem.internal."));

    private ArchitectureRules() {
    }

    /** The main classes of the module that holds {@code anyMainClass} (its classes folder or jar, nothing else). */
    public static JavaClasses mainClassesOf(Class<?> anyMainClass) {
        try {
            Path location = Path.of(anyMainClass.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new ClassFileImporter().importPath(location);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + anyMainClass, e);
        }
    }

    /** For modules other than memory-core: nothing uses memory-core's internal packages (the seam is allowed). */
    public static ArchRule coreInternalsStayInTheCore() {
        return noClasses().should().dependOnClassesThat(CORE_INTERNALS)
                .because("memory-core's internal packages may change at any time; use the public API, or the shared"
                        + " helpers in dev.litemem.internal itself");
    }

    /** The API packages hold public types only: implementation lives in internal packages. */
    public static ArchRule apiPackagesHoldOnlyPublicTypes() {
        return classes().that().resideInAnyPackage(API_PACKAGES.toArray(String[]::new)).and().areTopLevelClasses()
                .and().doNotHaveSimpleName("package-info")
                .should().bePublic()
                .because("memory-core's API packages hold its public API only; implementation goes to"
                        + " dev.litemem.internal.<capability>");
    }

    /** No public or protected member of a public API type mentions an internal type. */
    public static ArchRule apiSignaturesExposeNoInternalType() {
        return classes().that().resideInAnyPackage(API_PACKAGES.toArray(String[]::new)).and().arePublic()
                .should(new ArchCondition<JavaClass>("expose no internal type in a public or protected signature") {
                    @Override
                    public void check(JavaClass type, ConditionEvents events) {
                        for (String problem : exposed(type)) {
                            events.add(SimpleConditionEvent.violated(type, problem));
                        }
                    }
                });
    }

    private static List<String> exposed(JavaClass type) {
        List<String> problems = new ArrayList<>();
        List<JavaType> supertypes = new ArrayList<>(type.getInterfaces());
        type.getSuperclass().ifPresent(supertypes::add);
        for (JavaType t : supertypes) {
            check(type.getName() + " extends or implements", t, problems);
        }
        for (JavaCodeUnit unit : type.getCodeUnits()) {
            if (!visible(unit.getModifiers())) {
                continue;
            }
            check(unit.getFullName() + " returns", unit.getReturnType(), problems);
            for (JavaType parameter : unit.getParameterTypes()) {
                check(unit.getFullName() + " takes", parameter, problems);
            }
            for (JavaType thrown : unit.getThrowsClause().getTypes()) {
                check(unit.getFullName() + " throws", thrown, problems);
            }
        }
        for (JavaField field : type.getFields()) {
            if (visible(field.getModifiers())) {
                check(field.getFullName() + " is of", field.getType(), problems);
            }
        }
        return problems;
    }

    private static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static void check(String where, JavaType type, List<String> problems) {
        for (JavaClass involved : type.getAllInvolvedRawTypes()) {
            if (CORE_INTERNALS.test(involved) || involved.getPackageName().equals("dev.litemem.internal")) {
                problems.add(where + " the internal type " + involved.getName());
            }
        }
    }
}
