package io.understudy.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.TestConfigs;
import io.understudy.core.config.BackendConfig;
import io.understudy.core.config.Balance;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackendSnapshotTest {
    private Backend backend;
    private ControlPlane control;

    private void setUp(TestConfigs cfg) {
        backend = new Backend(cfg.build().listens().get(0).backend(), 0);
        control = new ControlPlane(List.of(backend), s -> 0);
    }

    @AfterEach
    void tearDown() {
        control.close();
    }

    private Server s(String name) {
        return backend.server(name).orElseThrow();
    }

    private List<String> candidates(Server... excluded) {
        return backend.snapshot().candidates(Set.of(excluded), backend.config().allBackups()).stream()
                .map(Server::name)
                .toList();
    }

    @Test
    void activesFirstThenTheFirstUsableBackupInDeclarationOrder() throws Exception {
        setUp(TestConfigs.listen("MySQL").server("P", 1).backup("B1", 2).backup("B2", 3));
        assertThat(candidates()).containsExactly("P");
        control.setOperational(s("P"), OpState.STOPPED, "test").get();
        assertThat(backend.snapshot().runningOnBackup()).isTrue();
        assertThat(candidates()).containsExactly("B1");
        control.setAdminFlag(s("B1"), AdminFlag.FMAINT, true, "test").get();
        assertThat(candidates()).containsExactly("B2");
        control.setOperational(s("B2"), OpState.STOPPED, "test").get();
        assertThat(candidates()).isEmpty();
        assertThat(backend.snapshot().noServerAvailable()).isTrue();
        control.setOperational(s("P"), OpState.RUNNING, "test").get();
        assertThat(candidates()).containsExactly("P");
    }

    @Test
    void drainAndWeightZeroAlsoSendTrafficToTheBackup() throws Exception {
        setUp(TestConfigs.listen("MySQL").server("P", 1).backup("B1", 2));
        control.setAdminFlag(s("P"), AdminFlag.FDRAIN, true, "test").get();
        assertThat(candidates()).containsExactly("B1");
        control.setAdminFlag(s("P"), AdminFlag.FDRAIN, false, "test").get();
        control.setWeight(s("P"), 0).get();
        assertThat(candidates()).containsExactly("B1");
    }

    @Test
    void allBackupsBalancesOverEveryUsableBackup() throws Exception {
        setUp(TestConfigs.listen("MySQL")
                .server("P", 1)
                .backup("B1", 2)
                .backup("B2", 3)
                .allBackups());
        control.setOperational(s("P"), OpState.STOPPED, "test").get();
        assertThat(candidates()).containsExactly("B1", "B2");
    }

    @Test
    void excludedServersAreSkippedSoARedispatchMovesOn() {
        setUp(TestConfigs.listen("MySQL").server("P1", 1).server("P2", 2).backup("B1", 3));
        assertThat(candidates(s("P1"))).containsExactly("P2");
        assertThat(candidates(s("P1"), s("P2"))).containsExactly("B1");
        assertThat(candidates(s("P1"), s("P2"), s("B1"))).isEmpty();
    }

    @Test
    void configDisabledServerStartsInMaintenance() {
        setUp(TestConfigs.listen("MySQL").server("P", 1).backup("B1", 2));
        Backend b = new Backend(
                new io.understudy.core.config.BackendConfig(
                        "X",
                        Balance.FIRST,
                        false,
                        3,
                        -1,
                        java.time.Duration.ofMillis(1),
                        java.time.Duration.ofSeconds(1),
                        java.time.Duration.ofSeconds(1),
                        List.of(new io.understudy.core.config.ServerConfig(
                                "D", 1, backend.servers().get(0).config().address(), false, 1, 0, true))),
                0);
        assertThat(b.server("D").orElseThrow().state().admin()).containsExactly(AdminFlag.CMAINT);
        assertThat(b.snapshot().noServerAvailable()).isTrue();
    }

    @Test
    void firstPicksTheFirstServerWithAFreeSlotThenTheLeastLoaded() {
        setUp(TestConfigs.listen("MySQL").server("P1", 1));
        io.understudy.core.config.HostPort addr =
                backend.servers().get(0).config().address();
        Backend b = new Backend(
                new BackendConfig(
                        "X",
                        Balance.FIRST,
                        false,
                        3,
                        -1,
                        java.time.Duration.ofMillis(1),
                        java.time.Duration.ofSeconds(1),
                        java.time.Duration.ofSeconds(1),
                        List.of(
                                new io.understudy.core.config.ServerConfig("A", 1, addr, false, 1, 1, false),
                                new io.understudy.core.config.ServerConfig("B", 2, addr, false, 1, 2, false))),
                0);
        Server a = b.server("A").orElseThrow();
        Server bb = b.server("B").orElseThrow();
        BalanceStrategy first = BalanceStrategy.of(Balance.FIRST);
        assertThat(first.pick(b.servers())).isSameAs(a);
        a.counters().sessionOpened(0); // A is at its maxconn 1
        assertThat(first.pick(b.servers())).isSameAs(bb);
        bb.counters().sessionOpened(0);
        bb.counters().sessionOpened(0); // both full: A has 1, B has 2
        assertThat(first.pick(b.servers())).isSameAs(a);
    }

    @Test
    void leastConnPrefersTheServerWithFewerSessions() {
        setUp(TestConfigs.listen("MySQL").server("P1", 1).server("P2", 2));
        s("P1").counters().sessionOpened(0);
        s("P1").counters().sessionOpened(0);
        s("P2").counters().sessionOpened(0);
        BalanceStrategy lc = BalanceStrategy.of(Balance.LEASTCONN);
        for (int i = 0; i < 5; i++) {
            assertThat(lc.pick(backend.servers()).name()).isEqualTo("P2");
        }
    }
}
