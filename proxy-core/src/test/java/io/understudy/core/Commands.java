package io.understudy.core;

import io.understudy.core.model.AdminMode;
import io.understudy.core.model.Backend;
import io.understudy.core.model.CheckVerdict;
import io.understudy.core.model.Commit;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The commands tests submit, through the same {@link ControlPlane#apply} production uses; each waits for its commit
 * and fails the test if the command was refused.
 */
public final class Commands {
    private Commands() {}

    /** A failed check, as the health checker submits it: with rise 1 / fall 1 servers, marks the server down. */
    public static Commit down(ControlPlane control, Server s) {
        return apply(control, new ControlCommand.CheckOutcome(s, CheckVerdict.FAILED, "test: check failed"));
    }

    /** A passed check: with rise 1 / fall 1 servers, marks the server up. */
    public static Commit up(ControlPlane control, Server s) {
        return apply(control, new ControlCommand.CheckOutcome(s, CheckVerdict.PASSED, "test: check passed"));
    }

    public static Commit mode(ControlPlane control, Server s, AdminMode mode) {
        return mode(control, s, mode, "test: " + mode);
    }

    /** An operator's admin mode, with the words the operator typed. */
    public static Commit mode(ControlPlane control, Server s, AdminMode mode, String why) {
        return apply(control, new ControlCommand.SetAdminMode(s, mode, Origin.CLI, why));
    }

    public static Commit weight(ControlPlane control, Server s, int weight) {
        return apply(control, new ControlCommand.SetWeight(s, weight, Origin.CLI));
    }

    public static Commit move(ControlPlane control, Backend b, Optional<Server> target) {
        return apply(control, new ControlCommand.MoveTraffic(b, target, Origin.CLI, "test: move"));
    }

    /** Applies {@code command} and waits; the commit may be a refusal (the caller asserts on it). */
    public static Commit submit(ControlPlane control, ControlCommand command) {
        try {
            return control.apply(command).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("command " + command + " did not complete", e);
        }
    }

    private static Commit apply(ControlPlane control, ControlCommand command) {
        Commit c = submit(control, command);
        if (c.refused()) {
            throw new AssertionError(
                    "command " + command + " refused: " + c.refusal().get());
        }
        return c;
    }
}
