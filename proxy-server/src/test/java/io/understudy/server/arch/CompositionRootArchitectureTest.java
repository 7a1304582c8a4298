package io.understudy.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchRule;
import io.understudy.admin.cli.AdminServer;
import io.understudy.admin.command.CommandRegistry;
import io.understudy.admin.metrics.MetricsServer;
import io.understudy.admin.state.StatePersistence;
import io.understudy.checks.HealthChecker;
import io.understudy.checks.StandardCheckFactory;
import io.understudy.core.ProxyEngine;
import io.understudy.core.resolvers.Resolvers;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Only proxy-server wires the modules together: the pieces a running proxy is composed of are created in
 * {@code io.understudy.server..} and nowhere else, so that what runs, and in which order it starts and stops, is read
 * in one place.
 */
class CompositionRootArchitectureTest {

    /** Created by a constructor or a static factory (a static method returning the type, e.g. {@code start}). */
    private static final List<Class<?>> PIECES = List.of(
            ProxyEngine.class,
            HealthChecker.class,
            StandardCheckFactory.class,
            AdminServer.class,
            MetricsServer.class,
            StatePersistence.class,
            Resolvers.class);

    /**
     * CommandRegistry's own constructor takes any list of commands and stays free to use; {@code standard(..)} is the
     * full command set on a running proxy, i.e. wiring.
     */
    private static final Class<?> REGISTRY = CommandRegistry.class;

    private static final String REGISTRY_FACTORY = "standard";

    static final ArchRule ONLY_THE_SERVER_CREATES_COMPOSITION_PIECES = noClasses()
            .that()
            .resideOutsideOfPackage(ModulePackages.SERVER)
            .should()
            .accessTargetWhere(createsAPiece())
            .as("no class outside " + ModulePackages.SERVER + " should call a constructor or static factory of "
                    + PIECES.stream().map(Class::getSimpleName).collect(Collectors.joining(", "))
                    + ", or " + REGISTRY.getSimpleName() + "." + REGISTRY_FACTORY + "(..)")
            .because("proxy-server is the composition root: only it wires the modules together");

    @Test
    void onlyTheServerCreatesCompositionPieces() {
        ONLY_THE_SERVER_CREATES_COMPOSITION_PIECES.check(ProductionClasses.get());
    }

    /**
     * Calls and references ({@code ProxyEngine::new}) alike. A piece building itself (its static factory, a nested
     * class, {@code this(..)}) is not wiring.
     */
    private static DescribedPredicate<JavaAccess<?>> createsAPiece() {
        return DescribedPredicate.describe("creates a composition piece", access -> {
            JavaClass target = access.getTargetOwner();
            if (topLevel(access.getOriginOwner()).equals(target)) {
                return false;
            }
            if (target.isEquivalentTo(REGISTRY)) {
                return access.getTarget().getName().equals(REGISTRY_FACTORY);
            }
            return PIECES.stream().anyMatch(target::isEquivalentTo) && isConstructorOrStaticFactory(access, target);
        });
    }

    private static boolean isConstructorOrStaticFactory(JavaAccess<?> access, JavaClass target) {
        if (access.getTarget().getName().equals(JavaConstructor.CONSTRUCTOR_NAME)) {
            return true;
        }
        return access.getTarget()
                .resolveMember()
                .filter(JavaMethod.class::isInstance)
                .map(JavaMethod.class::cast)
                .filter(m -> m.getModifiers().contains(JavaModifier.STATIC))
                .filter(m -> m.getRawReturnType().equals(target))
                .isPresent();
    }

    private static JavaClass topLevel(JavaClass c) {
        JavaClass outer = c;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }
}
