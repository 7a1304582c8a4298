package io.understudy.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.TestConfigs;
import io.understudy.core.backend.ConnectFailure;
import io.understudy.core.config.BackendConfig;
import io.understudy.core.config.Balance;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.ServerConfig;
import io.understudy.core.model.AdminState.BackendAdmin;
import io.understudy.core.model.AdminState.Note;
import io.understudy.core.model.AdminState.ServerAdmin;
import io.understudy.core.model.ModelEvent.ServerChanged;
import io.understudy.core.model.ModelEvent.TrafficMoved;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of every command against one backend (two active servers, two backups, checked with rise 2 and
 * fall 3), checking after each commit what must always hold, whatever the order of health, traffic and operators.
 */
class ModelPropertiesTest {
    private static final String[] NAMES = {"P1", "P2", "B1", "B2"};

    /** One command: what (0..7), on which server (0..3), with which value (0..3). */
    record Step(int kind, int server, int value) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 7),
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 3))
                .as(Step::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(60);
    }

    @Property(tries = 200)
    void everyCommitKeepsTheModelsInvariants(
            @ForAll("steps") List<Step> steps, @ForAll boolean manualFailback, @ForAll boolean first) throws Exception {
        Backend backend = new Backend(config(manualFailback, first ? Balance.FIRST : Balance.ROUNDROBIN), 0);
        List<ModelEvent> observed = new CopyOnWriteArrayList<>();
        try (ControlPlane control = new ControlPlane(List.of(backend), s -> 0)) {
            control.addObserver(observed::add);
            Map<Server, ServerState> lastAfter = new HashMap<>();
            backend.servers().forEach(s -> lastAfter.put(s, s.state()));
            List<Server> lastTargets = backend.snapshot().targets();
            long generation = control.generation();
            for (Step step : steps) {
                observed.clear();
                Commit commit = control.apply(command(step, backend, control)).get(10, TimeUnit.SECONDS);

                // The generation moves by exactly one per commit that changed anything, and numbers its events.
                if (commit.events().isEmpty()) {
                    assertThat(commit.generation()).isEqualTo(generation);
                } else {
                    assertThat(commit.generation()).isEqualTo(generation + 1);
                    assertThat(commit.events()).allMatch(e -> e.generation() == commit.generation());
                }
                generation = commit.generation();
                assertThat(control.generation()).isEqualTo(generation);
                // Observers saw exactly the commit's events, in its order, before the command completed.
                assertThat(observed).containsExactlyElementsOf(commit.events());

                // Every event's before is the previous after of that object: replaying events rebuilds the model.
                for (ModelEvent e : commit.events()) {
                    if (e instanceof ServerChanged c) {
                        assertThat(c.before()).isEqualTo(lastAfter.get(c.server()));
                        lastAfter.put(c.server(), c.after());
                    } else if (e instanceof TrafficMoved t) {
                        assertThat(t.before().targets()).isEqualTo(lastTargets);
                        lastTargets = t.after().targets();
                    }
                }
                for (Server s : backend.servers()) {
                    assertThat(s.state()).isEqualTo(lastAfter.get(s));
                }
                // Traffic never moves without an event saying so.
                assertThat(backend.snapshot().targets()).isEqualTo(lastTargets);
                assertThat(backend.snapshot().generation()).isLessThanOrEqualTo(generation);

                // A writer-role backend (here: balance first) sends new sessions to one server at a time.
                assertThat(backend.config().writerRole()).isEqualTo(first);
                if (first) {
                    assertThat(backend.snapshot().targets()).hasSizeLessThanOrEqualTo(1);
                    assertSingleWriter(backend);
                }
            }
            // Export then import changes nothing and gives the same decisions back.
            AdminState exported = control.adminState();
            Commit again = control.apply(new ControlCommand.ImportAdminState(exported, Origin.PEER, "test"))
                    .get(10, TimeUnit.SECONDS);
            assertThat(again.events()).isEmpty();
            assertThat(control.adminState().sameDecisions(exported)).isTrue();
        }
    }

    /** New sessions of a writer go to one server only: every choice is the same one. */
    private static void assertSingleWriter(Backend backend) {
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            backend.snapshot().select(Set.of()).ifPresent(slots::add);
        }
        assertThat(slots.stream().map(Slot::server).distinct().count()).isLessThanOrEqualTo(1);
        slots.forEach(Slot::release);
    }

    private static ControlCommand command(Step step, Backend backend, ControlPlane control) {
        Server s = backend.servers().get(step.server());
        return switch (step.kind()) {
            case 0 -> new ControlCommand.CheckOutcome(s, CheckVerdict.values()[step.value() % 3], "check");
            case 1 -> new ControlCommand.PassiveFailure(
                    s, new ConnectFailure(ConnectFailure.Kind.CONNECTION, "Connection refused"));
            case 2 -> new ControlCommand.SetAdminMode(s, AdminMode.values()[step.value() % 3], Origin.CLI, "mode");
            case 3 -> new ControlCommand.SetWeight(s, step.value(), Origin.CLI);
            case 4 -> new ControlCommand.SetChecksEnabled(s, step.value() % 2 == 0, Origin.CLI);
            case 5 -> new ControlCommand.MoveTraffic(
                    backend, step.value() == 3 ? Optional.empty() : Optional.of(s), Origin.CLI, "move");
            case 6 -> new ControlCommand.ImportAdminState(control.adminState(), Origin.PEER, "peer");
            default -> new ControlCommand.ImportAdminState(someState(step), Origin.STATE_FILE, "file");
        };
    }

    /** An admin state derived from the step: decisions on one server, maybe a pin, maybe names the config lacks. */
    private static AdminState someState(Step step) {
        Note note = Note.UNRECORDED;
        Map<String, ServerAdmin> servers = new LinkedHashMap<>();
        String id = "MySQL/" + (step.value() == 3 ? "Ghost" : NAMES[step.server()]);
        servers.put(
                id,
                new ServerAdmin(
                        step.value() % 2 == 0 ? Optional.of(note) : Optional.empty(),
                        step.value() == 1 ? Optional.of(note) : Optional.empty(),
                        Optional.of(new AdminState.Weight(step.value(), note))));
        Map<String, BackendAdmin> backends = new LinkedHashMap<>();
        if (step.server() >= 2) {
            backends.put("MySQL", new BackendAdmin(NAMES[step.server()], note));
        }
        return new AdminState(servers, backends);
    }

    private static BackendConfig config(boolean manual, Balance balance) {
        CheckConfig check = TestConfigs.check(2, 3);
        HostPort addr = new HostPort("127.0.0.1", 1, new InetSocketAddress("127.0.0.1", 1));
        List<ServerConfig> servers = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            servers.add(new ServerConfig(NAMES[i], i + 1, addr, i >= 2, 1, 0, false, check));
        }
        return new BackendConfig(
                "MySQL",
                balance,
                false,
                3,
                -1,
                Duration.ofMillis(10),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                servers,
                new FailoverPolicy(manual ? FailoverPolicy.Failback.MANUAL : FailoverPolicy.Failback.AUTO, true, true));
    }
}
