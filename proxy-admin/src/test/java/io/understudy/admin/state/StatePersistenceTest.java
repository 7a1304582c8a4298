package io.understudy.admin.state;

import static io.understudy.admin.state.TestSetup.config;
import static io.understudy.admin.state.TestSetup.server;
import static io.understudy.admin.state.TestSetup.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.understudy.admin.state.StatePersistence.Outcome;
import io.understudy.core.Commands;
import io.understudy.core.ProxyEngine;
import io.understudy.core.config.FailoverPolicy.Failback;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.model.AdminFlag;
import io.understudy.core.model.AdminMode;
import io.understudy.core.model.Backend;
import io.understudy.core.model.CheckVerdict;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Decisions written on change and restored by a fresh engine from the same config, under the restore rules. */
// Some try-with-resources only hold a persistence or a log level for the block: that is their point.
@SuppressWarnings("try")
@Timeout(30)
class StatePersistenceTest {
    @TempDir
    Path dir;

    Path file;
    StateFileSettings settings;

    @BeforeEach
    void paths() {
        file = dir.resolve("state");
        settings = new StateFileSettings(file);
    }

    @Test
    void maintenanceIsWrittenAtOnceAndSurvivesARestart() throws Exception {
        ProxyConfig config = config();
        try (ProxyEngine e = new ProxyEngine(config);
                StatePersistence p = StatePersistence.start(e.control(), settings)) {
            Commands.mode(e.control(), server(e, "MySQL/Primary"), AdminMode.MAINT, "disable server");
            await().until(() -> text(file).contains("server MySQL/Primary maint set "));
            assertThat(text(file)).contains("\"disable server\"").contains("# last change ");
        }
        try (TestSetup.Logs logs = new TestSetup.Logs();
                ProxyEngine e = new ProxyEngine(config);
                StatePersistence p = StatePersistence.start(e.control(), settings)) {
            assertThat(server(e, "MySQL/Primary").state().admin()).containsExactly(AdminFlag.FMAINT);
            assertThat(server(e, "MySQL/Primary").state().usable()).isFalse();
            assertThat(logs.at(Level.INFO))
                    .anyMatch(l -> l.matches("restored from \\Q" + file + "\\E: MySQL/Primary in maintenance \\(set "
                            + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ: disable server\\)"));
            assertThat(logs.at(Level.WARN)).isEmpty();

            // Leaving maintenance is a decision too: the line goes.
            Commands.mode(e.control(), server(e, "MySQL/Primary"), AdminMode.READY, "enable server");
            p.flush();
            assertThat(text(file)).doesNotContain("server MySQL/Primary");
        }
    }

    @Test
    void aPauseForATakeoverHoldsChangesUntilResumedAndNothingIsWrittenAtCloseMeanwhile() throws Exception {
        ProxyConfig config = config();
        try (ProxyEngine e = new ProxyEngine(config);
                StatePersistence p = StatePersistence.start(e.control(), settings)) {
            Commands.weight(e.control(), server(e, "MySQL/Primary"), 50);
            // The new process reads the file after the pause: what came before is on disk.
            p.pause();
            assertThat(text(file)).contains("server MySQL/Primary weight 50 set ");
            long writes = p.writes();
            Commands.weight(e.control(), server(e, "MySQL/Primary"), 60);
            p.flush();
            assertThat(p.writes()).isEqualTo(writes);
            assertThat(text(file)).doesNotContain("weight 60");
            // The takeover failed (_handback): the held change is written.
            p.resume();
            p.flush();
            assertThat(text(file)).contains("server MySQL/Primary weight 60 set ");
            p.pause();
            Commands.weight(e.control(), server(e, "MySQL/Primary"), 70);
        }
        // Closed while paused (the old process stopping after a takeover): the new process's file stays as it was.
        assertThat(text(file)).contains("weight 60").doesNotContain("weight 70");
    }

    @Test
    void restoringDoesNotRewriteTheFileAndKeepsWhenTheDecisionWasTaken() throws Exception {
        Files.writeString(
                file,
                "understudy-state 1\nserver MySQL/Primary maint set 2026-11-22T01:02:03Z \"disable server\"\nend\n");
        try (ProxyEngine e = new ProxyEngine(config());
                StatePersistence p = StatePersistence.start(e.control(), settings)) {
            p.flush();
            assertThat(p.writes()).isZero();
            // The next change writes the file again, with the original note of the restored decision.
            Commands.weight(e.control(), server(e, "MySQL/Replica"), 5);
            p.flush();
            assertThat(text(file))
                    .contains("server MySQL/Primary maint set 2026-11-22T01:02:03Z \"disable server\"")
                    .contains("server MySQL/Replica weight 5 set ");
        }
    }

    @Test
    void weightAndDrainRoundTrip() throws Exception {
        ProxyConfig config = config();
        try (ProxyEngine e = new ProxyEngine(config);
                StatePersistence p = StatePersistence.start(e.control(), settings)) {
            Commands.weight(e.control(), server(e, "MySQL/Primary"), 50);
            Commands.mode(e.control(), server(e, "MySQL/Replica"), AdminMode.DRAIN, "set server state drain");
            // Back to the config's weight: nothing to keep.
            Commands.weight(e.control(), server(e, "MySQL/Secondary"), 7);
            Commands.weight(e.control(), server(e, "MySQL/Secondary"), 1);
            p.flush();
            assertThat(text(file))
                    .contains("server MySQL/Primary weight 50 set ")
                    .contains("server MySQL/Replica drain set ")
                    .doesNotContain("server MySQL/Secondary");
        }
        try (ProxyEngine e = new ProxyEngine(config);
                StatePersistence p = StatePersistence.start(e.control(), settings)) {
            assertThat(server(e, "MySQL/Primary").state().weight()).isEqualTo(50);
            assertThat(server(e, "MySQL/Primary").state().admin()).isEmpty();
            assertThat(server(e, "MySQL/Replica").state().admin()).containsExactly(AdminFlag.FDRAIN);
            assertThat(server(e, "MySQL/Secondary").state().weight()).isEqualTo(1);
            assertThat(e.control().adminState().sameDecisions(StateFormat.parse(text(file))))
                    .isTrue();
        }
    }

    @Test
    void manualFailbackPinRoundTrips() throws Exception {
        ProxyConfig config = config(Failback.MANUAL);
        try (ProxyEngine e = new ProxyEngine(config);
                StatePersistence p = StatePersistence.start(e.control(), settings)) {
            Server primary = server(e, "MySQL/Primary");
            // Both active servers down: traffic fails over to the backup, and manual failback pins it there.
            Commands.submit(
                    e.control(),
                    new ControlCommand.CheckOutcome(server(e, "MySQL/Replica"), CheckVerdict.FAILED, "Layer4 timeout"));
            Commands.submit(
                    e.control(),
                    new ControlCommand.CheckOutcome(primary, CheckVerdict.FAILED, "Layer4 connection problem"));
            Commands.submit(
                    e.control(), new ControlCommand.CheckOutcome(primary, CheckVerdict.PASSED, "Layer4 check passed"));
            assertThat(e.backends().get(0).snapshot().pinned()).contains(server(e, "MySQL/Secondary"));
            p.flush();
            assertThat(text(file))
                    .contains("backend MySQL active-server Secondary set ")
                    .contains("failover to MySQL/Secondary after MySQL/Primary: Layer4 connection problem")
                    // Health is never written.
                    .doesNotContain("server MySQL/");
        }
        try (ProxyEngine e = new ProxyEngine(config);
                StatePersistence p = StatePersistence.start(e.control(), settings)) {
            Backend b = e.backends().get(0);
            // Primary is usable in the new process, yet traffic stays where the previous one had put it.
            assertThat(server(e, "MySQL/Primary").state().usable()).isTrue();
            assertThat(b.snapshot().pinned()).contains(server(e, "MySQL/Secondary"));

            // The operator fails back: the pin leaves the file.
            Commands.move(e.control(), b, Optional.empty());
            p.flush();
            assertThat(text(file)).doesNotContain("backend MySQL");
        }
    }

    @Test
    void missingFileIsAFirstStartWithoutWarning() {
        try (TestSetup.Logs logs = new TestSetup.Logs();
                ProxyEngine e = new ProxyEngine(config());
                StatePersistence p = new StatePersistence(e.control(), settings)) {
            assertThat(p.restore().outcome()).isEqualTo(Outcome.NO_FILE);
            assertThat(logs.at(Level.WARN)).isEmpty();
            assertThat(file).doesNotExist();
        }
    }

    @Test
    void corruptFileIsReportedKeptAsideAndReplacedAtTheNextChange() throws Exception {
        Files.writeString(file, "understudy-state 1\nserver MySQL/Primary maint\n");
        try (TestSetup.Logs logs = new TestSetup.Logs();
                ProxyEngine e = new ProxyEngine(config());
                StatePersistence p = new StatePersistence(e.control(), settings)) {
            e.control().addObserver(p);
            StatePersistence.Restore r = p.restore();

            assertThat(r.outcome()).isEqualTo(Outcome.CORRUPT);
            assertThat(logs.at(Level.WARN))
                    .singleElement()
                    .asString()
                    .contains(file.toString(), "truncated: no 'end' line", "starting from the config's state");
            // The config's state: Primary takes traffic.
            assertThat(server(e, "MySQL/Primary").state().usable()).isTrue();
            Path aside = r.setAside().orElseThrow();
            assertThat(aside.getFileName().toString()).startsWith("state.corrupt-");
            assertThat(Files.readString(aside)).isEqualTo("understudy-state 1\nserver MySQL/Primary maint\n");
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).containsExactly(aside);
            }

            Commands.weight(e.control(), server(e, "MySQL/Replica"), 3);
            p.flush();
            assertThat(StateFormat.parse(text(file)).server("MySQL/Replica")).isPresent();
        }
    }

    @Test
    void entriesTheConfigNoLongerHasAreIgnoredOneWarningEach() throws Exception {
        Files.writeString(
                file,
                "understudy-state 1\n"
                        + "server MySQL/Ghost maint set 2026-11-22T01:02:03Z \"disable server\"\n"
                        + "server Gone/Primary weight 3\n"
                        + "server MySQL/Replica weight 4\n"
                        + "backend Gone active-server Secondary\n"
                        + "backend MySQL active-server Secondary\n"
                        + "end\n");
        try (TestSetup.Logs logs = new TestSetup.Logs();
                ProxyEngine e = new ProxyEngine(config());
                StatePersistence p = new StatePersistence(e.control(), settings)) {
            StatePersistence.Restore r = p.restore();

            assertThat(r.outcome()).isEqualTo(Outcome.RESTORED);
            assertThat(r.report().ignored()).hasSize(4);
            assertThat(logs.at(Level.WARN))
                    .hasSize(4)
                    .anyMatch(l -> l.contains("MySQL/Ghost maint (set 2026-11-22T01:02:03Z: disable server): no such "
                            + "server in the config"))
                    .anyMatch(l -> l.contains("Gone/Primary weight 3"))
                    .anyMatch(l -> l.contains("backend Gone active-server Secondary") && l.contains("no such backend"))
                    .anyMatch(l -> l.contains("backend MySQL active-server Secondary") && l.contains("not manual"))
                    .allMatch(l -> l.startsWith("state file " + file + ": "));
            // The rest of the file still applies.
            assertThat(server(e, "MySQL/Replica").state().weight()).isEqualTo(4);
            assertThat(e.backends().get(0).snapshot().pinned()).isEmpty();
        }
    }

    @Test
    void aServerTheConfigDisablesStaysInMaintenanceWhateverTheFileSays() throws Exception {
        Files.writeString(
                file, "understudy-state 1\nserver MySQL/Primary drain\nserver MySQL/Primary weight 20\nend\n");
        try (ProxyEngine e = new ProxyEngine(config(Failback.AUTO, "Primary"));
                StatePersistence p = StatePersistence.start(e.control(), settings)) {
            assertThat(server(e, "MySQL/Primary").state().admin())
                    .containsExactlyInAnyOrder(AdminFlag.CMAINT, AdminFlag.FDRAIN);
            assertThat(server(e, "MySQL/Primary").state().inMaintenance()).isTrue();
            assertThat(server(e, "MySQL/Primary").state().weight()).isEqualTo(20);
        }
    }

    @Test
    void aPinToAnActiveServerOrAnUnusableBackupIsIgnored() throws Exception {
        Files.writeString(
                file, "understudy-state 1\nserver MySQL/Secondary maint\nbackend MySQL active-server Secondary\nend\n");
        try (TestSetup.Logs logs = new TestSetup.Logs();
                ProxyEngine e = new ProxyEngine(config(Failback.MANUAL));
                StatePersistence p = StatePersistence.start(e.control(), settings)) {
            assertThat(e.backends().get(0).snapshot().pinned()).isEmpty();
            assertThat(logs.at(Level.WARN)).singleElement().asString().contains("not usable now");
        }
        Files.writeString(file, "understudy-state 1\nbackend MySQL active-server Replica\nend\n");
        try (TestSetup.Logs logs = new TestSetup.Logs();
                ProxyEngine e = new ProxyEngine(config(Failback.MANUAL));
                StatePersistence p = StatePersistence.start(e.control(), settings)) {
            assertThat(e.backends().get(0).snapshot().pinned()).isEmpty();
            assertThat(logs.at(Level.WARN)).singleElement().asString().contains("not a backup");
        }
    }
}
