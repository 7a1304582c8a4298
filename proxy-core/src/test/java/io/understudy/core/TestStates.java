package io.understudy.core;

import io.understudy.core.config.HostPort;
import io.understudy.core.model.AdminFlag;
import io.understudy.core.model.Downtime;
import io.understudy.core.model.Health;
import io.understudy.core.model.HealthState;
import io.understudy.core.model.OpState;
import io.understudy.core.model.Reason;
import io.understudy.core.model.ServerSettings;
import io.understudy.core.model.ServerState;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;

/**
 * Server states as values, for tests of code that renders a state (status words, {@code show stat} rows): the model's
 * own values, built directly because rendering is a function of the value, not of how the model reached it.
 */
public final class TestStates {
    /** The settings every state here has: a server at 127.0.0.1:3306, no maxconn, no check port. */
    public static final ServerSettings SETTINGS =
            new ServerSettings(new HostPort("127.0.0.1", 3306, new InetSocketAddress("127.0.0.1", 3306)), 0, 0);

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
                0,
                SETTINGS);
    }

    /** {@code state} with the settings {@code config} gives (its address and maxconn). */
    public static ServerState at(ServerState state, io.understudy.core.config.ServerConfig config) {
        return new ServerState(
                state.op(),
                state.admin(),
                state.weight(),
                state.lastChangeMillis(),
                state.reason(),
                state.check(),
                state.downtime(),
                state.lastFailureMillis(),
                ServerSettings.of(config));
    }

    public static ServerState of(OpState op, Set<AdminFlag> admin, int weight) {
        return of(op, admin, weight, 0, 0, 0);
    }
}
