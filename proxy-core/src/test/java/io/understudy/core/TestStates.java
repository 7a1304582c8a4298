package io.understudy.core;

import io.understudy.core.model.AdminFlag;
import io.understudy.core.model.Downtime;
import io.understudy.core.model.Health;
import io.understudy.core.model.HealthState;
import io.understudy.core.model.OpState;
import io.understudy.core.model.Reason;
import io.understudy.core.model.ServerState;
import java.util.Optional;
import java.util.Set;

/**
 * Server states as values, for tests of code that renders a state (status words, {@code show stat} rows): the model's
 * own values, built directly because rendering is a function of the value, not of how the model reached it.
 */
public final class TestStates {
    private TestStates() {}

    /** A checked server (rise 2, fall 3) whose counter matches {@code op}, with {@code chkdown}/{@code downtime}. */
    public static ServerState of(
            OpState op, Set<AdminFlag> admin, int weight, long lastChangeMillis, long downs, long downSeconds) {
        return new ServerState(
                op,
                admin,
                weight,
                lastChangeMillis,
                Reason.of(Reason.Cause.CHECK, ""),
                new HealthState(
                        true, true, new Health(op == OpState.STOPPED ? 0 : 4, 2, 3), Optional.empty(), 0, false, 0, 0),
                new Downtime(downs, downSeconds * 1000, -1),
                0);
    }

    public static ServerState of(OpState op, Set<AdminFlag> admin, int weight) {
        return of(op, admin, weight, 0, 0, 0);
    }
}
