package io.understudy.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static io.understudy.server.arch.ModulePackages.ADMIN;
import static io.understudy.server.arch.ModulePackages.BENCH;
import static io.understudy.server.arch.ModulePackages.CHECKS;
import static io.understudy.server.arch.ModulePackages.CORE;
import static io.understudy.server.arch.ModulePackages.SERVER;
import static io.understudy.server.arch.ModulePackages.TESTKIT;

import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between modules point one way: checks -> core, admin -> core and checks, server -> all. Maven's module
 * dependencies already forbid most of this at compile time; these rules also catch a class put in another module's
 * package and a dependency added to a pom "just for one class".
 */
class ModuleDependenciesArchitectureTest {

    /** Without it, a class in a new top-level package would escape every rule below. */
    static final ArchRule EVERY_CLASS_BELONGS_TO_A_MODULE = classes()
            .should()
            .resideInAnyPackage(CORE, CHECKS, ADMIN, SERVER, TESTKIT, BENCH)
            .because("each module owns one package and the dependency rules are written per package");

    static final ArchRule CORE_DEPENDS_ON_NO_OTHER_MODULE = noClasses()
            .that()
            .resideInAPackage(CORE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(CHECKS, ADMIN, SERVER, TESTKIT, BENCH)
            .because("proxy-core knows nothing of the other modules");

    static final ArchRule CHECKS_DEPEND_ON_CORE_ONLY = noClasses()
            .that()
            .resideInAPackage(CHECKS)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ADMIN, SERVER, TESTKIT, BENCH)
            .because("proxy-checks depends on proxy-core only");

    static final ArchRule ADMIN_DEPENDS_ON_CORE_AND_CHECKS_ONLY = noClasses()
            .that()
            .resideInAPackage(ADMIN)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(SERVER, TESTKIT, BENCH)
            .because("proxy-admin depends on proxy-core and proxy-checks only");

    @Test
    void everyClassBelongsToAModule() {
        EVERY_CLASS_BELONGS_TO_A_MODULE.check(ProductionClasses.get());
    }

    @Test
    void coreDependsOnNoOtherModule() {
        CORE_DEPENDS_ON_NO_OTHER_MODULE.check(ProductionClasses.get());
    }

    @Test
    void checksDependOnCoreOnly() {
        CHECKS_DEPEND_ON_CORE_ONLY.check(ProductionClasses.get());
    }

    @Test
    void adminDependsOnCoreAndChecksOnly() {
        ADMIN_DEPENDS_ON_CORE_AND_CHECKS_ONLY.check(ProductionClasses.get());
    }
}
