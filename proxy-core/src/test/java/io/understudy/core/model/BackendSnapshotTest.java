package io.understudy.core.model;

import static io.understudy.core.Commands.down;
import static io.understudy.core.Commands.mode;
import static io.understudy.core.Commands.up;
import static io.understudy.core.Commands.weight;
import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.TestConfigs;
import io.understudy.core.config.Balance;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which servers a backend's snapshot offers, and how {@link BackendSnapshot#select} takes slots. */
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
        return backend.snapshot().candidates(Set.of(excluded)).stream()
                .map(Server::name)
                .toList();
    }

    private Optional<String> select() {
        return backend.snapshot().select(Set.of()).map(slot -> slot.server().name());
    }

    @Test
    void activesFirstThenTheFirstUsableBackupInDeclarationOrder() {
        setUp(TestConfigs.listen("MySQL")
                .checked()
                .server("P", 1)
                .backup("B1", 2)
                .backup("B2", 3));
        assertThat(candidates()).containsExactly("P");
        down(control, s("P"));
        assertThat(backend.snapshot().runningOnBackup()).isTrue();
        assertThat(candidates()).containsExactly("B1");
        mode(control, s("B1"), AdminMode.MAINT);
        assertThat(candidates()).containsExactly("B2");
        down(control, s("B2"));
        assertThat(candidates()).isEmpty();
        assertThat(backend.snapshot().noServerAvailable()).isTrue();
        up(control, s("P"));
        assertThat(candidates()).containsExactly("P");
    }

    @Test
    void drainAndWeightZeroAlsoSendTrafficToTheBackup() {
        setUp(TestConfigs.listen("MySQL").server("P", 1).backup("B1", 2));
        mode(control, s("P"), AdminMode.DRAIN);
        assertThat(candidates()).containsExactly("B1");
        mode(control, s("P"), AdminMode.READY);
        weight(control, s("P"), 0);
        assertThat(candidates()).containsExactly("B1");
    }

    @Test
    void allBackupsBalancesOverEveryUsableBackupAsAPool() {
        setUp(TestConfigs.listen("MySQL")
                .checked()
                .server("P", 1)
                .backup("B1", 2)
                .backup("B2", 3)
                .allBackups()
                .balance(Balance.ROUNDROBIN));
        down(control, s("P"));
        assertThat(candidates()).containsExactly("B1", "B2");
    }

    @Test
    void inAPoolExcludedServersAreSkippedSoARedispatchMovesOn() {
        setUp(TestConfigs.listen("MySQL")
                .server("P1", 1)
                .server("P2", 2)
                .server("P3", 3)
                .balance(Balance.ROUNDROBIN));
        assertThat(candidates(s("P1"))).containsExactly("P2", "P3");
        assertThat(candidates(s("P1"), s("P2"))).containsExactly("P3");
        assertThat(candidates(s("P1"), s("P2"), s("P3"))).isEmpty();
    }

    @Test
    void theWriterRoleIsBalanceFirstOrOneActiveWithBackups() {
        setUp(TestConfigs.listen("MySQL").server("P", 1).backup("B", 2).balance(Balance.ROUNDROBIN));
        assertThat(backend.config().writerRole()).isTrue();
        tearDown();
        setUp(TestConfigs.listen("MySQL")
                .server("P1", 1)
                .server("P2", 2)
                .backup("B", 3)
                .balance(Balance.ROUNDROBIN));
        // Several actives balanced on purpose: a pool, whose clients may be redispatched among them.
        assertThat(backend.config().writerRole()).isFalse();
        tearDown();
        setUp(TestConfigs.listen("MySQL").server("P1", 1).server("P2", 2).backup("B", 3));
        assertThat(backend.config().writerRole()).as("balance first").isTrue();
        tearDown();
        setUp(TestConfigs.listen("MySQL")
                .server("P", 1)
                .backup("B1", 2)
                .backup("B2", 3)
                .allBackups()
                .balance(Balance.ROUNDROBIN));
        assertThat(backend.config().writerRole())
                .as("allbackups asks for several")
                .isFalse();
    }

    @Test
    void aWriterIsOneServerWhateverFailedForAClient() {
        setUp(TestConfigs.listen("MySQL").server("P1", 1).server("P2", 2).backup("B1", 3));
        assertThat(backend.snapshot().writer()).isTrue();
        assertThat(candidates()).containsExactly("P1");
        // A client for which P1 failed is not sent elsewhere on its own: only the model moves the writer.
        assertThat(candidates(s("P1"))).containsExactly("P1");
        assertThat(candidates(s("P1"), s("P2"), s("B1"))).containsExactly("P1");
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
    void aWriterAtItsMaxconnMakesSessionsWaitRatherThanSpillToAnotherServer() {
        setUp(TestConfigs.listen("MySQL").add("A", 1, false, 1, 1).add("B", 2, false, 1, 2));
        List<Slot> taken = new ArrayList<>();
        backend.snapshot().select(Set.of()).ifPresent(taken::add);
        assertThat(taken).extracting(t -> t.server().name()).containsExactly("A");
        // A is at its maxconn 1. B is not the writer: nothing is chosen (the session waits in the queue).
        assertThat(select()).isEmpty();
        assertThat(s("B").served()).isZero();
        // A slot given back (twice: the second release does nothing) is A's again.
        taken.get(0).release();
        taken.get(0).release();
        assertThat(s("A").served()).isZero();
        assertThat(select()).contains("A");
        assertThat(select()).isEmpty();
    }

    @Test
    void inAPoolServersFillInTurnAndNeverOvershootMaxconn() {
        setUp(TestConfigs.listen("MySQL")
                .add("A", 1, false, 1, 1)
                .add("B", 2, false, 1, 2)
                .balance(Balance.LEASTCONN));
        for (int i = 0; i < 3; i++) {
            assertThat(select()).isPresent();
        }
        assertThat(select()).isEmpty();
        assertThat(s("A").served()).isEqualTo(1);
        assertThat(s("B").served()).isEqualTo(2);
    }

    @Test
    void leastConnCountsSessionsStillConnecting() {
        setUp(TestConfigs.listen("MySQL").server("P1", 1).server("P2", 2).balance(Balance.LEASTCONN));
        // Two slots on P1 and one on P2, none of them connected yet: the next picks go to P2 until it catches up.
        backend.snapshot().select(Set.of());
        backend.snapshot().select(Set.of());
        backend.snapshot().select(Set.of());
        int p1 = s("P1").served();
        int p2 = s("P2").served();
        assertThat(p1 + p2).isEqualTo(3);
        assertThat(Math.abs(p1 - p2)).isLessThanOrEqualTo(1);
        for (int i = 0; i < 5; i++) {
            String lighter = s("P1").served() <= s("P2").served() ? "P1" : "P2";
            if (s("P1").served() != s("P2").served()) {
                assertThat(select()).contains(lighter);
            } else {
                select();
            }
        }
        assertThat(Math.abs(s("P1").served() - s("P2").served())).isLessThanOrEqualTo(1);
    }
}
