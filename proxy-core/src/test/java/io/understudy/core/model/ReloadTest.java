package io.understudy.core.model;

import static io.understudy.core.Commands.mode;
import static io.understudy.core.Commands.submit;
import static io.understudy.core.Commands.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.TestConfigs;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.IpLiteral;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.config.ReloadScope;
import io.understudy.core.model.ModelEvent.ConfigReloaded;
import io.understudy.core.model.ModelEvent.ServerAdded;
import io.understudy.core.model.ModelEvent.ServerReconfigured;
import io.understudy.core.model.ModelEvent.ServerRemoved;
import io.understudy.core.model.ModelEvent.SettingsReloaded;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A reload as one model command: what the file changed applies, what operators changed stays, nothing half done. */
class ReloadTest {
    private Backend backend;
    private ControlPlane control;
    private final AtomicInteger sessions = new AtomicInteger();

    private void start(ProxyConfig cfg) {
        backend = new Backend(cfg.listens().get(0).backend(), 0);
        control = new ControlPlane(List.of(backend), s -> s.name().equals("Busy") ? sessions.get() : 0);
        control.declareFrontends(Map.of(
                cfg.listens().get(0).name(), cfg.listens().get(0).frontend().maxconn()));
        control.declareConfig(cfg);
    }

    @AfterEach
    void tearDown() {
        control.close();
    }

    private Server s(String name) {
        return backend.server(name).orElseThrow();
    }

    private Commit reload(ProxyConfig next) {
        assertThat(ReloadScope.needsRestart(control.config().orElseThrow(), next))
                .isEmpty();
        return submit(control, new ControlCommand.Reload(next, Origin.RELOAD, "test.conf"));
    }

    private static TestConfigs base() {
        return TestConfigs.listen("MySQL").checked().failover(FailoverPolicy.defaults());
    }

    @Test
    void addsRemovesAndRetimesInOneCommit() {
        start(base().server("P", 1).server("Old", 2).backup("B", 3).build());
        long before = control.generation();
        Commit c = reload(base().server("P", 1)
                .backup("B", 3)
                .backup("New", 4)
                .timeouts(Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofMinutes(2))
                .build());
        assertThat(c.refused()).isFalse();
        assertThat(c.generation()).isEqualTo(before + 1);
        assertThat(c.events()).last().isInstanceOf(ConfigReloaded.class);
        assertThat(c.events())
                .anyMatch(e -> e instanceof ServerAdded a && a.server().name().equals("New"));
        // Old goes into maintenance in the reload's commit, and the sweep deletes it once it has no session.
        assertThat(c.events())
                .anyMatch(e -> e instanceof ModelEvent.ServerChanged ch
                        && ch.server().name().equals("Old")
                        && ch.after().inMaintenance());
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.server("Old").isEmpty());
        assertThat(c.events())
                .filteredOn(e -> e instanceof SettingsReloaded)
                .singleElement()
                .extracting(ModelEvent::change)
                .asString()
                .contains("timeout.server 1m -> 2m")
                .contains("timeout.connect");
        assertThat(backend.servers()).extracting(Server::name).containsExactly("P", "B", "New");
        assertThat(backend.config().serverTimeout()).isEqualTo(Duration.ofMinutes(2));
        // The config now numbers its servers so: B is 2, New is 3.
        assertThat(s("B").config().id()).isEqualTo(2);
        assertThat(s("New").config().id()).isEqualTo(3);
        // A checked server a reload adds waits for its checks, whatever its initial setting: not in maintenance, down.
        assertThat(s("New").state().inMaintenance()).isFalse();
        assertThat(s("New").state().usable()).isFalse();
        // Nothing the operators decided: the new config is the baseline.
        assertThat(control.adminState().added()).isEmpty();
        assertThat(control.adminState().deleted()).isEmpty();
    }

    @Test
    void aRemovedServerWithSessionsDrainsThenGoes() {
        start(base().server("P", 1).server("Busy", 2).build());
        sessions.set(2);
        Commit c = reload(base().server("P", 1).build());
        assertThat(c.refused()).isFalse();
        Server busy = s("Busy");
        assertThat(busy.state().inMaintenance()).isTrue();
        assertThat(backend.leaving(busy)).isTrue();
        // No decision of anyone's: the state file and the peer know nothing of it.
        assertThat(control.adminState().server("MySQL/Busy")).isEmpty();
        assertThat(control.adminState().added()).isEmpty();
        // An operator cannot bring it back while it leaves.
        assertThat(submit(control, new ControlCommand.SetAdminMode(busy, AdminMode.READY, Origin.CLI, "t"))
                        .refusal())
                .get()
                .asString()
                .contains("leaving");
        // Reloading a file that declares it again is refused while it leaves.
        assertThat(reload(base().server("P", 1).server("Busy", 2).build()).refusal())
                .get()
                .asString()
                .contains("still leaving");
        sessions.set(0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> backend.server("Busy").isEmpty());
        assertThat(control.lastEvents(5))
                .anyMatch(e -> e instanceof ServerRemoved r && r.reason().text().contains("sessions have ended"));
    }

    @Test
    void whatTheFileChangedAppliesAndWhatOperatorsChangedStays() {
        start(base().add("P", 1, false, 10)
                .add("Q", 2, false, 10)
                .balance(io.understudy.core.config.Balance.ROUNDROBIN)
                .build());
        weight(control, s("P"), 3);
        weight(control, s("Q"), 4);
        // The file changes Q's weight and leaves P's: P keeps the operator's 3, Q takes the file's 7.
        Commit c = reload(base().add("P", 1, false, 10)
                .add("Q", 2, false, 7)
                .balance(io.understudy.core.config.Balance.ROUNDROBIN)
                .build());
        assertThat(c.refused()).isFalse();
        assertThat(s("P").state().weight()).isEqualTo(3);
        assertThat(s("Q").state().weight()).isEqualTo(7);
        assertThat(c.events())
                .anyMatch(e -> e instanceof ServerReconfigured r
                        && r.server().name().equals("Q")
                        && r.change().contains("weight 10 -> 7"));
        assertThat(control.adminState().server("MySQL/P").orElseThrow().weight())
                .isPresent();
        assertThat(control.adminState().server("MySQL/Q")).isEmpty();
    }

    @Test
    void aWritersAddressDoesNotMoveUnderItsSessions() {
        start(base().server("P", 1).backup("B", 2).build());
        Server p = s("P");
        Slot slot = backend.snapshot().select(java.util.Set.of()).orElseThrow();
        try {
            Commit c = reload(base().server("P", 9)
                    .backup("B", 2)
                    .timeouts(Duration.ofSeconds(3), Duration.ofMinutes(1), Duration.ofMinutes(1))
                    .build());
            assertThat(c.refusal()).get().asString().contains("writer role");
            // Refused whole: not even the timeout changed.
            assertThat(backend.config().connectTimeout()).isNotEqualTo(Duration.ofSeconds(3));
            assertThat(p.address().getPort()).isEqualTo(1);
        } finally {
            slot.release();
        }
        Commit c = reload(base().server("P", 9).backup("B", 2).build());
        assertThat(c.refused()).isFalse();
        assertThat(p.address().getPort()).isEqualTo(9);
    }

    @Test
    void aServerAddedAtRuntimeKeepsItsPlaceAndGivesUpAClashingSid() {
        start(base().server("P", 1).build());
        submit(
                control,
                new ControlCommand.AddServer(
                        backend,
                        "R",
                        new ServerSpec(IpLiteral.parseHostPort("127.0.0.9:3306").orElseThrow(), false, true, 1, 0),
                        Origin.CLI));
        assertThat(s("R").config().id()).isEqualTo(2);
        Commit c = reload(base().server("P", 1).server("Q", 2).build());
        assertThat(c.refused()).isFalse();
        assertThat(backend.servers()).extracting(Server::name).containsExactly("P", "Q", "R");
        assertThat(s("Q").config().id()).isEqualTo(2);
        assertThat(s("R").config().id()).isEqualTo(3);
        assertThat(control.adminState().added()).containsKey("MySQL/R");
    }

    @Test
    void aServerDeletedAtRuntimeStaysDeletedUnlessTheFileChangesIt() {
        start(base().server("P", 1).backup("B", 2).build());
        mode(control, s("P"), AdminMode.MAINT);
        assertThat(submit(control, new ControlCommand.DeleteServer(s("P"), Origin.CLI))
                        .refused())
                .isFalse();
        // Same file but for a timeout: the operator's deletion stays.
        assertThat(reload(base().server("P", 1)
                                .backup("B", 2)
                                .timeouts(Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofMinutes(1))
                                .build())
                        .refused())
                .isFalse();
        assertThat(backend.server("P")).isEmpty();
        assertThat(control.adminState().deleted()).containsKey("MySQL/P");
        // The file changes P (another address): the file's newer intention brings it back, down until checked.
        assertThat(reload(base().server("P", 7)
                                .backup("B", 2)
                                .timeouts(Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofMinutes(1))
                                .build())
                        .refused())
                .isFalse();
        assertThat(s("P").address().getPort()).isEqualTo(7);
        assertThat(s("P").state().usable()).isFalse();
        assertThat(backend.snapshot().targets()).containsExactly(s("B"));
    }

    @Test
    void noTwoServersShareASidAfterRenumbering() {
        start(base().server("P", 1).build());
        for (String name : List.of("R1", "R2")) {
            submit(
                    control,
                    new ControlCommand.AddServer(
                            backend,
                            name,
                            new ServerSpec(
                                    IpLiteral.parseHostPort("127.0.0.9:3306").orElseThrow(), true, true, 1, 0),
                            Origin.CLI));
        }
        assertThat(s("R1").config().id()).isEqualTo(2);
        assertThat(s("R2").config().id()).isEqualTo(3);
        assertThat(reload(base().server("P", 1).server("Q", 2).build()).refused())
                .isFalse();
        assertThat(backend.servers()).extracting(x -> x.config().id()).doesNotHaveDuplicates();
        assertThat(s("R2").config().id()).isEqualTo(3);
    }

    @Test
    void aServerNoLongerDisabledWaitsForItsChecks() {
        ProxyConfig enabled = base().server("B0", 2).server("P", 1).build();
        ProxyConfig disabled = new ProxyConfig(
                enabled.global(),
                List.of(new io.understudy.core.config.ListenConfig(
                        enabled.listens().get(0).frontend(), withDisabled(enabled, "P"))),
                enabled.admin(),
                "test");
        start(disabled);
        assertThat(s("P").state().inMaintenance()).isTrue();
        assertThat(reload(enabled).refused()).isFalse();
        assertThat(s("P").state().inMaintenance()).isFalse();
        assertThat(s("P").state().usable()).isFalse();
        assertThat(s("P").state().reason().text()).contains("disabled = false");
    }

    private static io.understudy.core.config.BackendConfig withDisabled(ProxyConfig cfg, String name) {
        io.understudy.core.config.BackendConfig b = cfg.listens().get(0).backend();
        List<io.understudy.core.config.ServerConfig> servers = b.servers().stream()
                .map(sc -> sc.name().equals(name)
                        ? new io.understudy.core.config.ServerConfig(
                                sc.name(),
                                sc.id(),
                                sc.address(),
                                sc.backup(),
                                sc.weight(),
                                sc.maxconn(),
                                true,
                                sc.check())
                        : sc)
                .toList();
        return new io.understudy.core.config.BackendConfig(
                b.name(),
                b.balance(),
                b.allBackups(),
                b.retries(),
                b.redispatch(),
                b.retryDelay(),
                b.connectTimeout(),
                b.serverTimeout(),
                servers,
                b.failover(),
                b.queueTimeout());
    }

    @Test
    void aDownServersCheckCannotBeTurnedOffByAReload() {
        start(base().server("P", 1).backup("B", 2).build());
        io.understudy.core.Commands.down(control, s("P"));
        assertThat(s("P").state().usable()).isFalse();
        ProxyConfig running = control.config().orElseThrow();
        ProxyConfig unchecked = TestConfigs.listen("MySQL")
                .failover(FailoverPolicy.defaults())
                .server("P", 1)
                .checked()
                .backup("B", 2)
                .build();
        Commit c = submit(control, new ControlCommand.Reload(unchecked, Origin.RELOAD, "test.conf"));
        assertThat(c.refusal()).get().asString().contains("is DOWN");
        assertThat(backend.snapshot().targets()).containsExactly(s("B"));
        assertThat(control.config()).contains(running);
    }

    @Test
    void onlyARestartChangesSocketsThreadsAndTheAlgorithm() {
        start(base().server("P", 1).backup("B", 2).build());
        ProxyConfig running = control.config().orElseThrow();
        assertThat(ReloadScope.needsRestart(
                        running,
                        base().server("P", 1)
                                .backup("B", 2)
                                .balance(io.understudy.core.config.Balance.ROUNDROBIN)
                                .allBackups()
                                .build()))
                .anyMatch(r -> r.contains("balance"));
        assertThat(ReloadScope.needsRestart(
                        running, base().server("P", 1).server("B", 2).build()))
                .anyMatch(r -> r.contains("server B backup"));
        assertThat(ReloadScope.needsRestart(
                        running,
                        TestConfigs.listen("Other").checked().server("P", 1).build()))
                .anyMatch(r -> r.contains("listen sections"));
    }
}
