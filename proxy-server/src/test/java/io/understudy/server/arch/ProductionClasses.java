package io.understudy.server.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Our production classes, imported once per test JVM and shared by every architecture test: {@code io.understudy..}
 * from main output and module jars, no test classes, nothing from third-party jars.
 *
 * <p>To add a rule: a {@code static final ArchRule} in the test class of its concern (or a new {@code
 * *ArchitectureTest}), and a JUnit {@code @Test} that calls {@code RULE.check(ProductionClasses.get())}. Not
 * {@code @ArchTest} fields: surefire 3.5.3 reports them as passed without running them (TNG/ArchUnit#1442).
 */
final class ProductionClasses {
    private ProductionClasses() {}

    /** Immutable once imported; the holder idiom makes the first test that asks pay for the import. */
    static JavaClasses get() {
        return Holder.CLASSES;
    }

    private static final class Holder {
        static final JavaClasses CLASSES = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ModulePackages.ROOT);
    }
}
