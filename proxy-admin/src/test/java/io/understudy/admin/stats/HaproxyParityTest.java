package io.understudy.admin.stats;

import static io.understudy.admin.stats.StatsFixtures.backend;
import static io.understudy.admin.stats.StatsFixtures.frontend;
import static io.understudy.admin.stats.StatsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckSnapshot;
import io.understudy.checks.CheckStatus;
import io.understudy.core.Commands;
import io.understudy.core.TestStates;
import io.understudy.core.config.Balance;
import io.understudy.core.config.ServerConfig;
import io.understudy.core.frontend.Frontend;
import io.understudy.core.model.AdminFlag;
import io.understudy.core.model.AdminMode;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Health;
import io.understudy.core.model.OpState;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Our header and rows against output captured from the real Debian {@code haproxy 2.6.12-1+deb12u4} (see the
 * resources' README): each captured row is rebuilt from the same state and must print byte for byte the same (one
 * history-dependent estimate aside).
 */
class HaproxyParityTest {
    private static final long NOW = 1_800_000_000_000L;

    /**
     * Cells whose value depends on history the captured rows do not tell: HAProxy's {@code need_conn_est} showed 1 on
     * most checked servers and 0 on unchecked ones and on one checked server of the capture, with no session ever made.
     * Ours is the most connections used at once (sessions and checks); here it must be a number, and
     * TrafficCountersTest checks its meaning.
     */
    private static final Set<StatField> ESTIMATED = EnumSet.of(StatField.NEED_CONN_EST);

    private final StatsCsvWriter writer = StatsCsvWriter.forOperator();

    static String resource(String name) throws IOException {
        try (InputStream in = HaproxyParityTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Map<String, String> capturedRows() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : resource("haproxy-2.6.12-rows.tsv").split("\n")) {
            int tab = line.indexOf('\t');
            rows.put(line.substring(0, tab), line.substring(tab + 1));
        }
        return rows;
    }

    @Test
    void headerIsByteIdenticalToDebianHaproxy26() throws IOException {
        assertThat(StatsCsvWriter.header() + "\n").isEqualTo(resource("haproxy-2.6.12-header.txt"));
    }

    @Test
    void fieldPositionsAreTheOnesScriptsCutOn() {
        assertThat(StatField.values()).hasSize(103);
        assertThat(StatField.PXNAME.ordinal()).isZero();
        assertThat(StatField.STATUS.ordinal()).isEqualTo(17);
        assertThat(StatField.ACT.ordinal()).isEqualTo(19);
        assertThat(StatField.BCK.ordinal()).isEqualTo(20);
        assertThat(StatField.CHECK_STATUS.ordinal()).isEqualTo(36);
        assertThat(StatField.ADDR.ordinal()).isEqualTo(73);
        assertThat(StatField.AGG_CHECK_STATUS.ordinal()).isEqualTo(102);
    }

    @Test
    void frontendRowMatches() throws IOException {
        Backend be = new Backend(backend("MySQL", Balance.FIRST, server("Primary", 1, 39991, false, 1, 0, true)), NOW);
        StatRow row = ProxyRows.frontend(new Frontend(frontend("MySQL", 39306, 9983), be), 2);
        // Not started, so the frontend is STOP; the captured one listened (OPEN). The engine test checks OPEN.
        assertThat(row.status()).isEqualTo("STOP");
        String expected = capturedRows().get("frontend").replace(",OPEN,", ",STOP,");
        assertMatches(row, expected);
    }

    @Test
    void serverRowsMatch() throws IOException {
        Map<String, String> captured = capturedRows();
        CheckSnapshot upL4ok = check(4, CheckResult.of(CheckStatus.L4OK, "", 0), 0, false);

        assertMatches(
                serverRow("MySQL", server("Primary", 1, 39991, false, 1, 0, true), running(4), Optional.of(upL4ok), 2),
                captured.get("server-up-checked"));
        assertMatches(
                serverRow("MySQL", server("Secondary", 2, 39992, true, 1, 0, false), running(4), Optional.empty(), 2),
                captured.get("server-backup-no-check"));
        assertMatches(
                serverRow("Two", server("A", 1, 39994, false, 2, 7, true), running(4, 2), Optional.of(upL4ok), 3),
                captured.get("server-up-maxconn"));
        assertMatches(
                serverRow(
                        "MySQL",
                        server("Primary", 1, 39991, false, 1, 0, true),
                        state(OpState.STOPPED, Set.of(), 1, NOW - 1_000, 1, 1),
                        Optional.of(check(0, CheckResult.of(CheckStatus.L4CON, "Connection refused", 0), 3, false)),
                        2),
                captured.get("server-down-checked"));
        assertMatches(
                serverRow(
                        "MySQL",
                        server("Third", 3, 39993, true, 1, 0, true),
                        state(OpState.RUNNING, Set.of(AdminFlag.FMAINT), 1, NOW, 1, 0),
                        Optional.of(upL4ok),
                        2),
                captured.get("server-maint"));
        assertMatches(
                serverRow(
                        "Two",
                        server("A", 1, 39994, false, 2, 7, true),
                        state(OpState.RUNNING, Set.of(AdminFlag.FDRAIN), 2, NOW, 0, 0),
                        Optional.of(upL4ok),
                        3),
                captured.get("server-drain-checked"));
        assertMatches(
                serverRow(
                        "Two",
                        server("B", 2, 39995, false, 3, 0, true),
                        running(7, 3),
                        Optional.of(check(4, CheckResult.of(CheckStatus.L4OK, "", 0), 0, true)),
                        3),
                captured.get("server-health-disabled"));
        assertMatches(
                serverRow(
                        "Two",
                        server("C", 3, 39996, false, 5, 0, false),
                        state(OpState.RUNNING, Set.of(AdminFlag.FDRAIN), 5, NOW, 0, 0),
                        Optional.empty(),
                        3),
                captured.get("server-drain-no-check"));
        assertMatches(
                serverRow("Two", server("D", 4, 39997, true, 4, 0, false), running(7, 0), Optional.empty(), 3),
                captured.get("server-weight0-no-check"));
        assertMatches(
                serverRow(
                        "MySQL",
                        server("E", 1, 39998, false, 1, 0, true),
                        state(OpState.STOPPED, Set.of(), 1, NOW - 2_000, 1, 2),
                        Optional.of(check(
                                0,
                                CheckResult.withCode(
                                        CheckStatus.L7STS, 1045, "#28000Access denied, for \"haproxy\"", 0),
                                1,
                                false)),
                        2),
                captured.get("server-l7sts-quoted"));
    }

    @Test
    void backendRowsMatch() throws IOException {
        Map<String, String> captured = capturedRows();
        Backend two = new Backend(
                backend(
                        "Two",
                        Balance.ROUNDROBIN,
                        server("A", 1, 39994, false, 2, 7, true),
                        server("B", 2, 39995, false, 3, 0, true),
                        server("C", 3, 39996, false, 5, 0, false),
                        server("D", 4, 39997, true, 4, 0, false)),
                NOW - 4_000);
        assertMatches(ProxyRows.backend(two, 3, 50, NOW), captured.get("backend-up"));

        Backend mysql = new Backend(
                backend(
                        "MySQL",
                        Balance.FIRST,
                        server("Primary", 1, 39991, false, 1, 0, true),
                        server("Secondary", 2, 39992, true, 1, 0, false),
                        server("Third", 3, 39993, true, 1, 0, true)),
                NOW - 7_000);
        // Primary marked down by a failed check, Third put in maintenance: through the control plane, as in production.
        try (ControlPlane control = new ControlPlane(List.of(mysql), x -> 0)) {
            Commands.down(control, mysql.server("Primary").orElseThrow());
            Commands.mode(control, mysql.server("Third").orElseThrow(), AdminMode.MAINT);
        }
        assertMatches(ProxyRows.backend(mysql, 2, 9983, NOW), captured.get("backend-on-backup"));
    }

    /**
     * Our line must equal HAProxy's, cell for cell: every cell HAProxy fills is filled here, every cell it leaves empty
     * is empty here; only the {@link #ESTIMATED} ones may hold another number.
     */
    private void assertMatches(StatRow row, String captured) {
        List<String> expected = cells(captured);
        List<String> ours = cells(writer.line(row));
        for (StatField f : ESTIMATED) {
            if (!expected.get(f.ordinal()).isEmpty()) {
                assertThat(ours.get(f.ordinal())).as("%s %s", row, f.csvName()).matches("[0-9]+");
                expected.set(f.ordinal(), ours.get(f.ordinal()));
            }
        }
        assertThat(String.join(",", ours)).as(row.toString()).isEqualTo(String.join(",", expected));
    }

    /** Splits a CSV line into its raw cells, a quoted cell (which may hold commas) kept as written. */
    static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString());
        return out;
    }

    private static StatRow serverRow(
            String backend, ServerConfig cfg, ServerState state, Optional<CheckSnapshot> check, int proxyId) {
        Server server =
                new Backend(backend(backend, Balance.FIRST, cfg), NOW).servers().get(0);
        return ServerRows.of(server, TestStates.at(state, server.config()), check, proxyId, NOW);
    }

    private static ServerState running(int secondsSinceChange) {
        return running(secondsSinceChange, 1);
    }

    private static ServerState running(int secondsSinceChange, int weight) {
        return state(OpState.RUNNING, Set.of(), weight, NOW - secondsSinceChange * 1_000L, 0, 0);
    }

    private static ServerState state(
            OpState op, Set<AdminFlag> admin, int weight, long lastChange, long downs, long downSeconds) {
        return TestStates.of(op, admin, weight, lastChange, downs, downSeconds);
    }

    static CheckSnapshot check(int health, CheckResult last, long failed, boolean paused) {
        return new CheckSnapshot(new Health(health, 2, 3), Optional.of(last), NOW, false, failed, 0, 0, paused);
    }
}
