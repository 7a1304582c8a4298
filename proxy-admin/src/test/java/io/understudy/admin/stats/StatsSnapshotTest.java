package io.understudy.admin.stats;

import static io.understudy.admin.stats.StatsFixtures.backend;
import static io.understudy.admin.stats.StatsFixtures.cut;
import static io.understudy.admin.stats.StatsFixtures.frontend;
import static io.understudy.admin.stats.StatsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.understudy.admin.AdminContext;
import io.understudy.admin.command.CliException;
import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.checks.HealthChecker;
import io.understudy.core.Commands;
import io.understudy.core.ProxyEngine;
import io.understudy.core.backend.ConnectFailure;
import io.understudy.core.config.AdminConfig;
import io.understudy.core.config.Balance;
import io.understudy.core.config.GlobalConfig;
import io.understudy.core.config.ListenConfig;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.model.AdminMode;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.Server;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A whole engine built in-process from a config, started on port 0, with a health checker whose checks return canned
 * results: the snapshot and the CSV as an operator's script sees them.
 */
@Timeout(30)
class StatsSnapshotTest {
    /** Per server name, what its next check returns; a never-completing future keeps a check in progress. */
    private final Map<String, CompletableFuture<CheckResult>> answers = new ConcurrentHashMap<>();

    private ProxyEngine engine;
    private HealthChecker checker;
    private AdminContext ctx;

    @BeforeEach
    void start() throws Exception {
        ProxyConfig config = new ProxyConfig(
                new GlobalConfig(Duration.ofSeconds(1), 1),
                List.of(new ListenConfig(
                        frontend("MySQL", 0, 100),
                        backend(
                                "MySQL",
                                Balance.FIRST,
                                server("Primary", 1, 1, false, 1, 0, true),
                                server("Secondary", 2, 2, true, 1, 0, true)))),
                new AdminConfig(List.of()),
                "test");
        engine = new ProxyEngine(config);
        answer("Primary", CheckResult.withCode(CheckStatus.L7OK, 0, "", 2));
        answer("Secondary", CheckResult.withCode(CheckStatus.L7OK, 0, "", 3));
        checker = new HealthChecker(engine.control(), s -> slack -> answers.get(s.name()));
        checker.start();
        engine.start();
        ctx = new AdminContext(engine, checker, "0.1.0", 1, engine.startMillis());
        awaitStatus("Primary", "UP");
        awaitStatus("Secondary", "UP");
    }

    @AfterEach
    void stop() {
        if (checker != null) {
            checker.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private void answer(String server, CheckResult r) {
        answers.put(server, CompletableFuture.completedFuture(r));
    }

    private Server srv(String name) {
        return engine.backends().get(0).server(name).orElseThrow();
    }

    private StatsSnapshot snapshot() {
        return StatsSnapshot.capture(ctx);
    }

    private void awaitStatus(String server, String status) {
        await().until(() ->
                snapshot().row("MySQL", server).orElseThrow().status().equals(status));
    }

    /** A live connect failure: counts as one failed check and triggers an immediate check. */
    private void connectFails(String server) {
        engine.control()
                .apply(new ControlCommand.PassiveFailure(
                        srv(server), new ConnectFailure(ConnectFailure.Kind.CONNECTION, "Connection refused")));
    }

    private String render() {
        return StatsCsvWriter.forOperator().render(snapshot());
    }

    @Test
    void scriptsCuttingStatusActBckSeeTheSeedRows() {
        assertThat(cut(render(), 1, 2, 18, 20, 21))
                .isEqualTo(
                        """
                        # pxname,svname,status,act,bck
                        MySQL,FRONTEND,OPEN,,
                        MySQL,Primary,UP,1,0
                        MySQL,Secondary,UP,0,1
                        MySQL,BACKEND,UP,1,1

                        """);
    }

    @Test
    void withThePrimaryDownTheBackendRunsOnItsBackup() {
        answer("Primary", CheckResult.withCode(CheckStatus.L7STS, 1045, "#28000Access denied", 4));
        connectFails("Primary");
        awaitStatus("Primary", "DOWN");

        assertThat(cut(render(), 1, 2, 18, 20, 21))
                .isEqualTo(
                        """
                        # pxname,svname,status,act,bck
                        MySQL,FRONTEND,OPEN,,
                        MySQL,Primary,DOWN,1,0
                        MySQL,Secondary,UP,0,1
                        MySQL,BACKEND,UP,0,1

                        """);
        StatRow primary = snapshot().row("MySQL", "Primary").orElseThrow();
        assertThat(primary.state()).isEqualTo(ServiceState.DOWN);
        assertThat(primary.checkStatus()).contains(CheckStatus.L7STS);
        assertThat(primary.text(StatField.CHECK_STATUS)).contains("L7STS");
        assertThat(primary.number(StatField.CHECK_CODE)).hasValue(1045);
        assertThat(primary.number(StatField.CHECK_DURATION)).hasValue(4);
        assertThat(primary.text(StatField.LAST_CHK)).contains("#28000Access denied");
        assertThat(primary.text(StatField.CHECK_DESC)).contains("Layer7 wrong status");
        assertThat(primary.number(StatField.CHECK_HEALTH)).hasValue(0);
        // One passive failure (health 4 -> 3), then two checks (3 -> 2 -> 0): three failures, one UP->DOWN.
        assertThat(primary.number(StatField.CHKFAIL)).hasValue(3);
        assertThat(primary.number(StatField.CHKDOWN)).hasValue(1);

        // Downtime accumulates while down, for the server only: the backend still has its backup.
        long later = System.currentTimeMillis() + 5_000;
        StatsSnapshot s = StatsSnapshot.capture(ctx, later);
        assertThat(s.row("MySQL", "Primary")
                        .orElseThrow()
                        .number(StatField.DOWNTIME)
                        .getAsLong())
                .isBetween(5L, 7L);
        assertThat(s.row("MySQL", "BACKEND").orElseThrow().number(StatField.DOWNTIME))
                .hasValue(0);
        assertThat(s.row("MySQL", "BACKEND").orElseThrow().number(StatField.WEIGHT))
                .hasValue(1);
    }

    @Test
    void oneFailureFromFullyUpReadsUp2Of3WhileTheNextCheckRuns() {
        answers.put("Primary", new CompletableFuture<>()); // the re-check never ends: stays in progress
        connectFails("Primary");
        // The passive failure is applied first, then the re-check starts: wait for the latter.
        await().until(() -> snapshot()
                .row("MySQL", "Primary")
                .orElseThrow()
                .text(StatField.CHECK_STATUS)
                .equals(Optional.of("* L4CON")));
        StatRow primary = snapshot().row("MySQL", "Primary").orElseThrow();
        assertThat(primary.status()).isEqualTo("UP 2/3");
        assertThat(primary.checkStatus()).contains(CheckStatus.L4CON);
        // L4CON is below L57DATA: no check_code.
        assertThat(primary.value(StatField.CHECK_CODE)).isEmpty();
        assertThat(primary.text(StatField.LAST_CHK)).contains("live traffic: Connection refused");
        assertThat(primary.number(StatField.CHECK_HEALTH)).hasValue(3);
        assertThat(primary.state()).isEqualTo(ServiceState.UP);
    }

    @Test
    void maintenanceHidesTheCheckColumnsButKeepsTheCounters() {
        Commands.mode(engine.control(), srv("Primary"), AdminMode.MAINT);
        StatRow primary = snapshot().row("MySQL", "Primary").orElseThrow();
        assertThat(primary.status()).isEqualTo("MAINT");
        assertThat(primary.state()).isEqualTo(ServiceState.MAINT);
        for (StatField f : List.of(
                StatField.CHECK_STATUS,
                StatField.CHECK_CODE,
                StatField.CHECK_DURATION,
                StatField.LAST_CHK,
                StatField.CHECK_DESC,
                StatField.CHECK_RISE,
                StatField.CHECK_FALL,
                StatField.CHECK_HEALTH)) {
            assertThat(primary.value(f)).as(f.csvName()).isEmpty();
        }
        assertThat(primary.checkStatus()).isEmpty();
        // Going into maintenance is an UP->DOWN transition for HAProxy (chkdown 0 -> 1).
        assertThat(primary.number(StatField.CHKFAIL)).hasValue(0);
        assertThat(primary.number(StatField.CHKDOWN)).hasValue(1);
        assertThat(primary.number(StatField.LASTCHG)).hasValue(0);
        assertThat(snapshot().row("MySQL", "BACKEND").orElseThrow().status()).isEqualTo("UP");
    }

    @Test
    void drainAndNoServerAtAll() {
        Commands.mode(engine.control(), srv("Primary"), AdminMode.DRAIN);
        Commands.mode(engine.control(), srv("Secondary"), AdminMode.MAINT);
        StatsSnapshot s = snapshot();
        assertThat(s.row("MySQL", "Primary").orElseThrow().status()).isEqualTo("DRAIN");
        StatRow be = s.row("MySQL", "BACKEND").orElseThrow();
        // A draining server is not usable: nothing is, so the backend is DOWN with weight 0 (HAProxy's rule).
        assertThat(be.status()).isEqualTo("DOWN");
        assertThat(be.state()).isEqualTo(ServiceState.DOWN);
        assertThat(be.number(StatField.WEIGHT)).hasValue(0);
        assertThat(be.number(StatField.ACT)).hasValue(0);
        assertThat(be.number(StatField.BCK)).hasValue(0);
        assertThat(be.number(StatField.CHKDOWN)).hasValue(1);
    }

    @Test
    void countersAndConfigValuesReachTheirColumns() {
        Server primary = srv("Primary");
        long now = System.currentTimeMillis();
        primary.counters().sessionOpened(now - 3_000);
        primary.counters().connected(7, 0);
        primary.counters().addBytesIn(100);
        primary.counters().addBytesOut(250);
        primary.counters().connectError();
        engine.backends().get(0).snapshot().select(Set.of());

        StatsSnapshot s = StatsSnapshot.capture(ctx, now);
        StatRow row = s.row("MySQL", "Primary").orElseThrow();
        assertThat(row.currentSessions()).isEqualTo(1);
        assertThat(row.totalSessions()).isEqualTo(1);
        assertThat(row.bytesIn()).isEqualTo(100);
        assertThat(row.bytesOut()).isEqualTo(250);
        assertThat(row.number(StatField.USED_CONN_CUR)).hasValue(1);
        assertThat(row.number(StatField.ECON)).hasValue(1);
        assertThat(row.number(StatField.LBTOT)).hasValue(1);
        assertThat(row.number(StatField.LASTSESS)).hasValue(3);
        assertThat(row.number(StatField.CTIME)).hasValue(7);
        assertThat(row.number(StatField.CTIME_MAX)).hasValue(7);
        assertThat(row.text(StatField.ADDR)).contains("127.0.0.1:1");
        assertThat(row.serverId()).isEqualTo(1);
        assertThat(row.proxyId()).isEqualTo(StatsSnapshot.FIRST_PROXY_ID);

        StatRow be = s.row("MySQL", "BACKEND").orElseThrow();
        assertThat(be.number(StatField.LBTOT)).hasValue(1);
        assertThat(be.number(StatField.SLIM)).hasValue(10);
        assertThat(be.text(StatField.ALGO)).contains("first");
        assertThat(s.row("MySQL", "FRONTEND").orElseThrow().number(StatField.SLIM))
                .hasValue(100);
        assertThat(s.proxy("MySQL"))
                .extracting(StatRow::type)
                .containsExactly(RowType.FRONTEND, RowType.SERVER, RowType.SERVER, RowType.BACKEND);
    }

    @Test
    void csvFramingAndUserLevel() {
        String out = render();
        String[] lines = out.split("\n", -1);
        // header + 4 rows + the empty end-of-answer line + what follows its '\n'
        assertThat(lines).hasSize(7);
        assertThat(lines[0]).startsWith("# pxname,svname,qcur,");
        assertThat(out).endsWith(",\n\n");
        int columns = lines[0].split(",", -1).length;
        for (int i = 0; i < 5; i++) {
            assertThat(lines[i]).endsWith(",");
            assertThat(lines[i].split(",", -1)).as(lines[i]).hasSize(columns);
        }
        assertThat(lines[5]).isEmpty();

        String user = StatsCsvWriter.forUser().render(snapshot());
        assertThat(cut(user, 2, 74, 77))
                .isEqualTo("svname,addr,algo\nFRONTEND,,\nPrimary,,\nSecondary,,\nBACKEND,,\n\n");
        assertThat(cut(out, 2, 74, 77))
                .isEqualTo(
                        "svname,addr,algo\nFRONTEND,,\nPrimary,127.0.0.1:1,\nSecondary,127.0.0.1:2,\nBACKEND,,first\n\n");
    }

    @Test
    void showStatWordsFilterRowsAsHaproxyDoes() {
        StatsCsvRenderer renderer = new StatsCsvRenderer();
        // The CLI adds the final empty line itself.
        String all = renderer.render(ctx, false);
        assertThat(all).isEqualTo(StatsCsvWriter.forOperator().table(snapshot(), StatFilter.ALL));
        assertThat(all).endsWith(",\n").doesNotEndWith("\n\n");

        assertThat(cut(renderer.render(ctx, false, List.of("MySQL", "4", "-1")), 2))
                .isEqualTo("svname\nPrimary\nSecondary\n");
        assertThat(cut(renderer.render(ctx, false, List.of("1", "-1", "2")), 2))
                .isEqualTo("svname\nFRONTEND\nSecondary\nBACKEND\n");
        assertThat(cut(renderer.render(ctx, false, List.of("-1", "3", "-1")), 2))
                .isEqualTo("svname\nFRONTEND\nBACKEND\n");
        assertThatThrownBy(() -> renderer.render(ctx, false, List.of("nope", "-1", "-1")))
                .isInstanceOf(CliException.class)
                .hasMessage("No such proxy.\n");

        Commands.mode(engine.control(), srv("Secondary"), AdminMode.MAINT);
        answer("Primary", CheckResult.of(CheckStatus.L4CON, "Connection refused", 0));
        connectFails("Primary");
        awaitStatus("Primary", "DOWN");
        assertThat(cut(renderer.render(ctx, false, List.of("no-maint")), 2))
                .isEqualTo("svname\nFRONTEND\nPrimary\nBACKEND\n");
        assertThat(cut(renderer.render(ctx, true, List.of("up")), 2, 74))
                .isEqualTo("svname,addr\nFRONTEND,\nBACKEND,\n");
    }
}
