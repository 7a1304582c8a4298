package io.understudy.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.lang.ArchRule;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The runtime model has one writer by construction: the control plane publishes every change, and everything else,
 * the data plane first, can only submit commands to it. The compiler already keeps the writes package-private; these
 * rules keep them inside the control plane and keep the data plane off the control plane's other doors.
 */
class ModelArchitectureTest {
    static final String MODEL = "io.understudy.core.model..";

    /** The data plane: accepting, connecting, relaying and the sessions themselves. */
    static final String[] DATA_PLANE = {
        "io.understudy.core.frontend..",
        "io.understudy.core.relay..",
        "io.understudy.core.backend..",
        "io.understudy.core.session..",
    };

    /** The methods that publish a new server state or backend snapshot. */
    private static final Set<String> PUBLISHERS = Set.of("publish", "republish");

    static final ArchRule ONLY_THE_CONTROL_PLANE_PUBLISHES = noClasses()
            .that()
            .doNotBelongToAnyOf(ControlPlane.class)
            .should()
            .callMethodWhere(DescribedPredicate.describe(
                    "the target publishes a server state or backend snapshot",
                    (JavaAccess<?> call) -> (call.getTargetOwner().isEquivalentTo(Server.class)
                                    || call.getTargetOwner().isEquivalentTo(Backend.class))
                            && PUBLISHERS.contains(call.getTarget().getName())))
            .as("only ControlPlane calls Server.publish and Backend.republish")
            .because("the control plane is the model's single writer: every change is one commit, with its events");

    static final ArchRule NO_ONE_OUTSIDE_THE_MODEL_WRITES_ITS_FIELDS = noClasses()
            .that()
            .resideOutsideOfPackage(MODEL)
            .should()
            .setFieldWhere(DescribedPredicate.describe(
                    "the field belongs to the runtime model",
                    (JavaFieldAccess access) ->
                            access.getTargetOwner().getPackageName().startsWith("io.understudy.core.model")))
            .because("the model changes only through ControlPlane.apply");

    static final ArchRule DATA_PLANE_ONLY_SUBMITS_COMMANDS = noClasses()
            .that()
            .resideInAnyPackage(DATA_PLANE)
            .should()
            .callMethodWhere(DescribedPredicate.describe(
                    "the target is a ControlPlane method other than apply(ControlCommand)",
                    (JavaAccess<?> call) -> call.getTargetOwner().isEquivalentTo(ControlPlane.class)
                            && !call.getTarget().getName().equals("apply")))
            .as("the data plane calls the control plane only by submitting a command (ControlPlane.apply)")
            .because("the relay, the connector and sessions read published snapshots and never reach into the writer");

    @Test
    void onlyTheControlPlanePublishes() {
        ONLY_THE_CONTROL_PLANE_PUBLISHES.check(ProductionClasses.get());
    }

    @Test
    void noOneOutsideTheModelWritesItsFields() {
        NO_ONE_OUTSIDE_THE_MODEL_WRITES_ITS_FIELDS.check(ProductionClasses.get());
    }

    @Test
    void theDataPlaneOnlySubmitsCommands() {
        DATA_PLANE_ONLY_SUBMITS_COMMANDS.check(ProductionClasses.get());
    }
}
