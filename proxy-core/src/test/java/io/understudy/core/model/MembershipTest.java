package io.understudy.core.model;

import static io.understudy.core.Commands.mode;
import static io.understudy.core.Commands.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.TestConfigs;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.IpLiteral;
import io.understudy.core.model.ModelEvent.ServerAdded;
import io.understudy.core.model.ModelEvent.ServerRemoved;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code add server} and {@code del server} as model commands: HAProxy's rules, and what the state keeps. */
class MembershipTest {
    private Backend backend;
    private ControlPlane control;
    private final AtomicInteger sessions = new AtomicInteger();

    private void setUp(TestConfigs cfg) {
        backend = new Backend(
                cfg.failover(FailoverPolicy.defaults()).build().listens().get(0).backend(), 0);
        control = new ControlPlane(List.of(backend), s -> sessions.get());
    }

    @AfterEach
    void tearDown() {
        control.close();
    }

    private Server s(String name) {
        return backend.server(name).orElseThrow();
    }

    private static ServerSpec spec(String address, boolean backup, boolean check) {
        return new ServerSpec(IpLiteral.parseHostPort(address).orElseThrow(), backup, check, 1, 0);
    }

    @Test
    void anAddedServerJoinsInMaintenanceAndTakesTrafficOnlyOnceEnabled() {
        setUp(TestConfigs.listen("MySQL").checked().server("P", 1).backup("B", 2));
        Commit c = submit(
                control, new ControlCommand.AddServer(backend, "C", spec("127.0.0.5:3306", false, true), Origin.CLI));
        assertThat(c.refused()).isFalse();
        assertThat(c.events()).first().isInstanceOf(ServerAdded.class);
        Server added = s("C");
        assertThat(added.config().id()).isEqualTo(3);
        assertThat(added.state().inMaintenance()).isTrue();
        assertThat(added.config().check()).isEqualTo(s("P").config().check());
        assertThat(backend.servers()).containsExactly(s("P"), s("B"), added);
        assertThat(control.adminState().added()).containsKey("MySQL/C");
        assertThat(control.adminState().server("MySQL/C").orElseThrow().maintenance())
                .isPresent();

        assertThat(submit(
                                control,
                                new ControlCommand.AddServer(
                                        backend, "C", spec("127.0.0.6:3306", false, false), Origin.CLI))
                        .refusal())
                .hasValue(ControlPlane.ADD_EXISTS);

        // P in maintenance, C enabled: C is the only usable active server, so it takes the traffic.
        mode(control, s("P"), AdminMode.MAINT);
        mode(control, added, AdminMode.READY);
        assertThat(backend.snapshot().targets()).containsExactly(added);
        assertThat(control.adminState().server("MySQL/C")).isEmpty();
    }

    @Test
    void aCheckNeedsACheckedServerToCopy() {
        setUp(TestConfigs.listen("MySQL").server("P", 1));
        Commit c = submit(
                control, new ControlCommand.AddServer(backend, "C", spec("127.0.0.5:3306", false, true), Origin.CLI));
        assertThat(c.refusal()).get().asString().contains("checks none of its servers");
        assertThat(backend.server("C")).isEmpty();
    }

    @Test
    void deletingNeedsMaintenanceAndNoSession() {
        setUp(TestConfigs.listen("MySQL").server("P", 1).backup("B", 2));
        assertThat(submit(control, new ControlCommand.DeleteServer(s("B"), Origin.CLI))
                        .refusal())
                .hasValue(ControlPlane.DELETE_NOT_IN_MAINTENANCE);
        mode(control, s("B"), AdminMode.MAINT);
        sessions.set(1);
        assertThat(submit(control, new ControlCommand.DeleteServer(s("B"), Origin.CLI))
                        .refusal())
                .hasValue(ControlPlane.DELETE_HAS_SESSIONS);
        sessions.set(0);
        Server b = s("B");
        b.counters().connectAttempt();
        b.counters().connectAttempt();
        Commit c = submit(control, new ControlCommand.DeleteServer(b, Origin.CLI));
        // The backend's sums must not go backwards (a counter reset to Prometheus).
        assertThat(backend.retiredConnectAttempts()).isEqualTo(2);
        assertThat(c.events()).first().isInstanceOf(ServerRemoved.class);
        assertThat(backend.servers()).containsExactly(s("P"));
        assertThat(backend.snapshot().servers()).doesNotContain(b);
        // A config server deleted at runtime is a decision: a restart must not bring it back on its own.
        assertThat(control.adminState().deleted()).containsOnlyKeys("MySQL/B");
        assertThat(control.adminState().server("MySQL/B")).isEmpty();
        assertThat(submit(control, new ControlCommand.DeleteServer(b, Origin.CLI))
                        .refusal())
                .hasValue(ControlPlane.NO_SUCH_SERVER);
    }

    @Test
    void anImportRecreatesAddedServersWithTheirDecisionsAndIsExact() {
        setUp(TestConfigs.listen("MySQL").checked().server("P", 1).backup("B", 2));
        submit(control, new ControlCommand.AddServer(backend, "C", spec("127.0.0.5:3306", true, false), Origin.CLI));
        mode(control, s("C"), AdminMode.READY);
        mode(control, s("B"), AdminMode.MAINT);
        submit(control, new ControlCommand.DeleteServer(s("B"), Origin.CLI));
        AdminState saved = control.adminState();
        assertThat(saved.added()).containsOnlyKeys("MySQL/C");
        assertThat(saved.deleted()).containsOnlyKeys("MySQL/B");

        // An import without them: B comes back from the config; C, in service, is first put in maintenance (a server
        // that may be taking sessions is never removed in one step), and goes with the next import.
        submit(control, new ControlCommand.ImportAdminState(AdminState.EMPTY, Origin.PEER, "peer"));
        assertThat(backend.servers()).extracting(Server::name).containsExactly("P", "C", "B");
        assertThat(s("C").state().inMaintenance()).isTrue();
        submit(control, new ControlCommand.ImportAdminState(AdminState.EMPTY, Origin.PEER, "peer"));
        assertThat(backend.servers()).extracting(Server::name).containsExactly("P", "B");
        assertThat(s("B").state().usable()).isTrue();

        // The saved state again: B deleted, C back, ready (its maintenance was lifted before the save).
        Commit restored = submit(control, new ControlCommand.ImportAdminState(saved, Origin.STATE_FILE, "state file"));
        assertThat(backend.servers()).extracting(Server::name).containsExactly("P", "C");
        // C keeps its sid although B's (2) is free again: a restart and the peer number it the same.
        assertThat(s("C").config().id()).isEqualTo(3);
        assertThat(saved.added().get("MySQL/C").spec().id()).isEqualTo(3);
        assertThat(s("C").state().usable()).isTrue();
        assertThat(s("C").isBackup()).isTrue();
        assertThat(restored.restored())
                .anyMatch(l -> l.startsWith("MySQL/B deleted ("))
                .anyMatch(l -> l.startsWith("MySQL/C added at 127.0.0.5:3306 ("));
        assertThat(control.adminState().sameDecisions(saved)).isTrue();
    }

    @Test
    void aDeletedConfigServerCannotBeReplacedUnderItsName() {
        setUp(TestConfigs.listen("MySQL").server("P", 1).backup("B", 2));
        mode(control, s("B"), AdminMode.MAINT);
        submit(control, new ControlCommand.DeleteServer(s("B"), Origin.CLI));
        Commit c = submit(
                control, new ControlCommand.AddServer(backend, "B", spec("127.0.0.5:3306", true, false), Origin.CLI));
        assertThat(c.refusal()).get().asString().startsWith("the config declares a server MySQL/B");
        assertThat(backend.server("B")).isEmpty();
    }

    @Test
    void anImportDoesNotDeleteAServerThatStillServesButPutsItInMaintenance() {
        setUp(TestConfigs.listen("MySQL").server("P", 1).backup("B", 2));
        Server p = s("P");
        AdminState peer = new AdminState(
                Map.of(), Map.of(), AdminState.Epoch.NONE, Map.of(), Map.of("MySQL/P", AdminState.Note.UNRECORDED));
        sessions.set(1);
        Commit c = submit(control, new ControlCommand.ImportAdminState(peer, Origin.PEER, "peer"));
        assertThat(backend.servers()).contains(p);
        assertThat(p.state().admin()).contains(AdminFlag.FMAINT);
        assertThat(backend.snapshot().targets()).containsExactly(s("B"));
        assertThat(c.ignored()).anyMatch(l -> l.startsWith("MySQL/P deleted") && l.contains("put in maintenance"));
        // Once it no longer serves, the same state deletes it.
        sessions.set(0);
        submit(control, new ControlCommand.ImportAdminState(peer, Origin.PEER, "peer"));
        assertThat(backend.servers()).doesNotContain(p);
    }

    @Test
    void aDeletedServerLosesItsPinAndCommandsAboutItAreRefused() {
        setUp(TestConfigs.listen("MySQL").server("P", 1).backup("B", 2));
        Server b = s("B");
        submit(control, new ControlCommand.MoveTraffic(backend, java.util.Optional.of(b), Origin.CLI, "move"));
        assertThat(backend.snapshot().pinned()).contains(b);
        mode(control, b, AdminMode.MAINT);
        submit(control, new ControlCommand.DeleteServer(b, Origin.CLI));
        assertThat(backend.snapshot().pinned()).isEmpty();
        assertThat(backend.snapshot().targets()).containsExactly(s("P"));
        assertThat(submit(control, new ControlCommand.SetWeight(b, 5, Origin.CLI))
                        .refusal())
                .hasValue(ControlPlane.NO_SUCH_SERVER);
        assertThat(submit(control, new ControlCommand.CheckOutcome(b, CheckVerdict.FAILED, "late"))
                        .refusal())
                .hasValue(ControlPlane.NO_SUCH_SERVER);
    }

    @Test
    void theConfigWinsANameAndUnknownBackendsAreIgnored() {
        setUp(TestConfigs.listen("MySQL").server("P", 1).backup("B", 2));
        AdminState state = new AdminState(
                Map.of(),
                Map.of(),
                AdminState.Epoch.NONE,
                Map.of(
                        "MySQL/B",
                                new AdminState.Added(spec("127.0.0.9:3306", false, false), AdminState.Note.UNRECORDED),
                        "Nope/X",
                                new AdminState.Added(spec("127.0.0.9:3306", false, false), AdminState.Note.UNRECORDED)),
                Map.of("MySQL/Z", AdminState.Note.UNRECORDED));
        Commit c = submit(control, new ControlCommand.ImportAdminState(state, Origin.STATE_FILE, "file"));
        assertThat(c.ignored())
                .anyMatch(l -> l.startsWith("MySQL/B added at 127.0.0.9:3306") && l.contains("the config declares"))
                .anyMatch(l -> l.startsWith("Nope/X added") && l.endsWith("no such backend in the config"))
                .anyMatch(l -> l.startsWith("MySQL/Z deleted") && l.endsWith("no such server in the config"));
        assertThat(s("B").address().getPort()).isNotEqualTo(3306);
    }
}
