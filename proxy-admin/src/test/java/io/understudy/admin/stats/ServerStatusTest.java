package io.understudy.admin.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckSnapshot;
import io.understudy.checks.CheckStatus;
import io.understudy.core.TestStates;
import io.understudy.core.model.AdminFlag;
import io.understudy.core.model.Health;
import io.understudy.core.model.OpState;
import io.understudy.core.model.ServerState;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The status words of reference §1.4, for rise 2 / fall 3 (health 0..4). */
class ServerStatusTest {
    private static ServerState st(OpState op, AdminFlag... flags) {
        Set<AdminFlag> set = flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags);
        return TestStates.of(op, set, 1);
    }

    private static Optional<CheckSnapshot> health(int h) {
        return Optional.of(new CheckSnapshot(
                new Health(h, 2, 3), Optional.of(CheckResult.of(CheckStatus.L7OK, "", 1)), 0, false, 0, 0, 0, false));
    }

    private static Optional<CheckSnapshot> disabledHealth(int h) {
        CheckSnapshot c = health(h).get();
        return Optional.of(new CheckSnapshot(
                c.health(), c.last(), c.lastCheckMillis(), false, c.failedChecks(), c.downTransitions(), 0, true));
    }

    private static String text(ServerState s, Optional<CheckSnapshot> c) {
        return ServerStatus.text(s, c);
    }

    @Test
    void checkedRunningServer() {
        assertThat(text(st(OpState.RUNNING), health(4))).isEqualTo("UP");
        assertThat(text(st(OpState.RUNNING), health(3))).isEqualTo("UP 2/3");
        assertThat(text(st(OpState.RUNNING), health(2))).isEqualTo("UP 1/3");
        assertThat(text(st(OpState.STARTING), health(4))).isEqualTo("UP");
    }

    @Test
    void checkedStoppedServer() {
        assertThat(text(st(OpState.STOPPED), health(0))).isEqualTo("DOWN");
        assertThat(text(st(OpState.STOPPED), health(1))).isEqualTo("DOWN 1/2");
    }

    @Test
    void uncheckedServer() {
        assertThat(text(st(OpState.RUNNING), Optional.empty())).isEqualTo("no check");
        assertThat(text(st(OpState.STOPPED), Optional.empty())).isEqualTo("DOWN");
        // weight 0 is not a state: still "no check" (captured from 2.6.12).
        assertThat(text(TestStates.of(OpState.RUNNING, Set.of(), 0), Optional.empty()))
                .isEqualTo("no check");
    }

    @Test
    void disableHealthMakesACheckedServerReadAsUnchecked() {
        assertThat(text(st(OpState.RUNNING), disabledHealth(4))).isEqualTo("no check");
        assertThat(text(st(OpState.RUNNING), disabledHealth(3))).isEqualTo("no check");
    }

    @Test
    void maintenanceWinsOverEverything() {
        assertThat(text(st(OpState.RUNNING, AdminFlag.FMAINT), health(4))).isEqualTo("MAINT");
        assertThat(text(st(OpState.STOPPED, AdminFlag.CMAINT), health(0))).isEqualTo("MAINT");
        assertThat(text(st(OpState.RUNNING, AdminFlag.FMAINT, AdminFlag.FDRAIN), Optional.empty()))
                .isEqualTo("MAINT");
    }

    @Test
    void drain() {
        assertThat(text(st(OpState.RUNNING, AdminFlag.FDRAIN), health(4))).isEqualTo("DRAIN");
        assertThat(text(st(OpState.RUNNING, AdminFlag.FDRAIN), health(2))).isEqualTo("DRAIN 1/3");
        assertThat(text(st(OpState.RUNNING, AdminFlag.FDRAIN), Optional.empty()))
                .isEqualTo("DRAIN");
        // A drained server that goes down reads DOWN: drain only qualifies a running server.
        assertThat(text(st(OpState.STOPPED, AdminFlag.FDRAIN), health(0))).isEqualTo("DOWN");
    }

    @Test
    void stopping() {
        assertThat(text(st(OpState.STOPPING), health(4))).isEqualTo("NOLB");
        assertThat(text(st(OpState.STOPPING), health(3))).isEqualTo("NOLB 2/3");
        assertThat(text(st(OpState.STOPPING), Optional.empty())).isEqualTo("NOLB");
    }

    @Test
    void prometheusStates() {
        assertThat(ServerStatus.state(st(OpState.RUNNING))).isEqualTo(ServiceState.UP);
        assertThat(ServerStatus.state(st(OpState.STARTING))).isEqualTo(ServiceState.UP);
        assertThat(ServerStatus.state(st(OpState.STOPPED))).isEqualTo(ServiceState.DOWN);
        assertThat(ServerStatus.state(st(OpState.STOPPING))).isEqualTo(ServiceState.NOLB);
        assertThat(ServerStatus.state(st(OpState.RUNNING, AdminFlag.FDRAIN))).isEqualTo(ServiceState.DRAIN);
        assertThat(ServerStatus.state(st(OpState.STOPPED, AdminFlag.FMAINT))).isEqualTo(ServiceState.MAINT);
    }
}
