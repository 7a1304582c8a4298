package io.understudy.core.model;

import static io.understudy.core.Commands.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.TestConfigs;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.IpLiteral;
import io.understudy.core.model.ModelEvent.ServerChanged;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An operator's {@code set server addr}, {@code set maxconn server}, {@code set server check-port} and {@code set
 * server health}: model commands whose lasting ones are decisions (state file, peer), with the config as the baseline.
 */
class ServerSettingsTest {
    private Backend backend;
    private ControlPlane control;

    private void setUp(TestConfigs cfg) {
        backend = new Backend(
                cfg.failover(FailoverPolicy.defaults()).build().listens().get(0).backend(), 0);
        control = new ControlPlane(List.of(backend), s -> 0);
    }

    @AfterEach
    void tearDown() {
        control.close();
    }

    private Server s(String name) {
        return backend.server(name).orElseThrow();
    }

    @Test
    void anAddressChangeMovesTheServerAndIsADecisionUntilItMatchesTheConfigAgain() {
        setUp(TestConfigs.listen("MySQL").checked().server("P", 1).backup("B", 2));
        InetSocketAddress configured = s("P").address();
        var moved = IpLiteral.parseHostPort("127.0.0.2:4406").orElseThrow();
        Commit c = submit(control, new ControlCommand.SetAddress(s("P"), moved, Origin.CLI));
        assertThat(c.refused()).isFalse();
        assertThat(s("P").address()).isEqualTo(new InetSocketAddress("127.0.0.2", 4406));
        assertThat(s("P").checkAddress()).isEqualTo(new InetSocketAddress("127.0.0.2", 4406));
        ServerChanged e = (ServerChanged) c.events().get(0);
        assertThat(e.adminChanged()).isTrue();
        assertThat(e.checkTargetChanged()).isTrue();
        assertThat(e.change()).contains("addr ").contains(" -> 127.0.0.2:4406");
        assertThat(control.adminState()
                        .server("MySQL/P")
                        .orElseThrow()
                        .address()
                        .orElseThrow()
                        .value())
                .isEqualTo(moved);
        // An operator's decision: numbered for the pair.
        assertThat(control.adminState().epoch().value()).isEqualTo(1);

        var back = IpLiteral.hostPort(configured.getAddress(), configured.getPort());
        submit(control, new ControlCommand.SetAddress(s("P"), back, Origin.CLI));
        assertThat(s("P").address()).isEqualTo(configured);
        assertThat(control.adminState().server("MySQL/P")).isEmpty();
    }

    @Test
    void resultsFromTheOldAddressDoNotCountAgainstTheNewOne() {
        setUp(TestConfigs.listen("MySQL").checked().server("P", 1).backup("B", 2));
        InetSocketAddress old = s("P").checkAddress();
        submit(
                control,
                new ControlCommand.SetAddress(
                        s("P"), IpLiteral.parseHostPort("127.0.0.2:4406").orElseThrow(), Origin.CLI));
        for (int i = 0; i < 5; i++) {
            Commit late = submit(
                    control,
                    new ControlCommand.CheckOutcome(s("P"), CheckVerdict.FAILED, "late", java.util.Optional.of(old)));
            assertThat(late.refused()).isTrue();
        }
        Commit passive = submit(
                control,
                new ControlCommand.PassiveFailure(
                        s("P"),
                        new io.understudy.core.backend.ConnectFailure(
                                io.understudy.core.backend.ConnectFailure.Kind.CONNECTION, "refused"),
                        java.util.Optional.of(old)));
        assertThat(passive.refused()).isTrue();
        assertThat(s("P").state().op()).isEqualTo(OpState.RUNNING);
        // A result for the new address counts.
        assertThat(submit(
                                control,
                                new ControlCommand.CheckOutcome(
                                        s("P"),
                                        CheckVerdict.FAILED,
                                        "now",
                                        java.util.Optional.of(s("P").checkAddress())))
                        .refused())
                .isFalse();
    }

    @Test
    void aWritersAddressDoesNotMoveWhileItHasSessions() {
        setUp(TestConfigs.listen("MySQL").checked().server("P", 1).backup("B", 2));
        assertThat(s("P").tryTakeSlot()).isTrue();
        Commit refused = submit(
                control,
                new ControlCommand.SetAddress(
                        s("P"), IpLiteral.parseHostPort("127.0.0.2:4406").orElseThrow(), Origin.CLI));
        assertThat(refused.refusal()).get().asString().startsWith("MySQL/P still has 1 session(s)");
        s("P").releaseSlot();
        assertThat(submit(
                                control,
                                new ControlCommand.SetAddress(
                                        s("P"),
                                        IpLiteral.parseHostPort("127.0.0.2:4406")
                                                .orElseThrow(),
                                        Origin.CLI))
                        .refused())
                .isFalse();
    }

    @Test
    void maxconnAndCheckPortAreDecisionsAndCheckPortNeedsAChecks() {
        setUp(TestConfigs.listen("MySQL").server("P", 1).backup("B", 2));
        submit(control, new ControlCommand.SetMaxconn(s("P"), 10, Origin.CLI));
        assertThat(s("P").maxconn()).isEqualTo(10);
        assertThat(control.adminState()
                        .server("MySQL/P")
                        .orElseThrow()
                        .maxconn()
                        .orElseThrow()
                        .value())
                .isEqualTo(10);
        Commit refused = submit(control, new ControlCommand.SetCheckPort(s("P"), 9999, Origin.CLI));
        assertThat(refused.refused()).isTrue();
        assertThat(refused.refusal()).hasValue("MySQL/P has no health check configured");
        assertThat(s("P").checkAddress().getPort()).isEqualTo(s("P").address().getPort());
    }

    @Test
    void aCheckPortMovesOnlyTheChecks() {
        setUp(TestConfigs.listen("MySQL").checked().server("P", 1).backup("B", 2));
        InetSocketAddress served = s("P").address();
        Commit c = submit(control, new ControlCommand.SetCheckPort(s("P"), 9999, Origin.CLI));
        assertThat(((ServerChanged) c.events().get(0)).checkTargetChanged()).isTrue();
        assertThat(s("P").address()).isEqualTo(served);
        assertThat(s("P").checkAddress()).isEqualTo(new InetSocketAddress(served.getAddress(), 9999));
        assertThat(control.adminState()
                        .server("MySQL/P")
                        .orElseThrow()
                        .checkPort()
                        .orElseThrow()
                        .value())
                .isEqualTo(9999);
    }

    @Test
    void theStateFileRestoresSettingsAndAnImportWithoutThemGoesBackToTheConfig() {
        setUp(TestConfigs.listen("MySQL").checked().server("P", 1).backup("B", 2));
        InetSocketAddress configured = s("P").address();
        submit(
                control,
                new ControlCommand.SetAddress(
                        s("P"), IpLiteral.parseHostPort("127.0.0.3:5506").orElseThrow(), Origin.CLI));
        submit(control, new ControlCommand.SetMaxconn(s("P"), 7, Origin.CLI));
        AdminState saved = control.adminState();

        submit(control, new ControlCommand.ImportAdminState(AdminState.EMPTY, Origin.PEER, "peer"));
        assertThat(s("P").address()).isEqualTo(configured);
        assertThat(s("P").maxconn()).isZero();

        Commit restored = submit(control, new ControlCommand.ImportAdminState(saved, Origin.STATE_FILE, "state file"));
        assertThat(s("P").address()).isEqualTo(new InetSocketAddress("127.0.0.3", 5506));
        assertThat(s("P").maxconn()).isEqualTo(7);
        assertThat(restored.restored())
                .anyMatch(l -> l.startsWith("MySQL/P addr 127.0.0.3:5506 (config: "
                        + configured.getAddress().getHostAddress()))
                .anyMatch(l -> l.startsWith("MySQL/P maxconn 7 (config: 0"));
        assertThat(control.adminState().sameDecisions(saved)).isTrue();
    }

    @Test
    void forcedHealthMovesTheCounterAndTrafficButIsNoDecision() {
        setUp(TestConfigs.listen("MySQL").checked().server("P", 1).backup("B", 2));
        Commit down = submit(control, new ControlCommand.ForceHealth(s("P"), OpState.STOPPED, Origin.CLI));
        assertThat(s("P").state().op()).isEqualTo(OpState.STOPPED);
        assertThat(s("P").state().check().health().health()).isZero();
        assertThat(backend.snapshot().targets()).containsExactly(s("B"));
        assertThat(down.events()).noneMatch(ModelEvent::changesDecisions);
        assertThat(control.adminState().isEmpty()).isTrue();

        submit(control, new ControlCommand.ForceHealth(s("P"), OpState.STOPPING, Origin.CLI));
        assertThat(s("P").state().op()).isEqualTo(OpState.STOPPING);
        assertThat(s("P").state().usable()).isFalse();
        assertThat(s("P").state().check().health().up()).isTrue();

        submit(control, new ControlCommand.ForceHealth(s("P"), OpState.RUNNING, Origin.CLI));
        assertThat(s("P").state().op()).isEqualTo(OpState.RUNNING);
        assertThat(s("P").state().check().health().health())
                .isEqualTo(s("P").state().check().health().max());
        assertThat(backend.snapshot().targets()).containsExactly(s("P"));
    }
}
