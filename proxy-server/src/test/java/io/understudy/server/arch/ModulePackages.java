package io.understudy.server.arch;

/**
 * The package of each Maven module, as ArchUnit package patterns; one place to name them so that every rule speaks of
 * modules the same way.
 */
final class ModulePackages {
    private ModulePackages() {}

    /** What the architecture tests import: our production classes and nothing from other jars. */
    static final String ROOT = "io.understudy";

    static final String CORE = "io.understudy.core..";
    static final String CHECKS = "io.understudy.checks..";
    static final String ADMIN = "io.understudy.admin..";
    static final String SERVER = "io.understudy.server..";
    static final String TESTKIT = "io.understudy.testkit..";
    static final String BENCH = "io.understudy.bench..";
}
