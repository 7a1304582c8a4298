package io.understudy.admin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.core.config.IpLiteral;
import io.understudy.core.model.AdminState;
import io.understudy.core.model.AdminState.BackendAdmin;
import io.understudy.core.model.AdminState.Note;
import io.understudy.core.model.AdminState.ServerAdmin;
import io.understudy.core.model.AdminState.Weight;
import io.understudy.core.model.ServerSpec;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The file's text form: what an operator reads and may edit, and what makes a file untrustworthy. */
@Timeout(10)
class StateFormatTest {
    private static final Note DISABLE = Note.of(Instant.parse("2026-11-22T01:02:03Z"), "disable server");

    @Test
    void writesOneReadableLinePerDecisionAndReadsItBack() throws Exception {
        AdminState state = new AdminState(
                Map.of(
                        "MySQL/Primary",
                        new ServerAdmin(Optional.of(DISABLE), Optional.empty(), Optional.empty()),
                        "MySQL/Replica",
                        new ServerAdmin(Optional.empty(), Optional.of(DISABLE), Optional.of(new Weight(50, DISABLE)))),
                Map.of("MySQL", new BackendAdmin("Secondary", DISABLE)));

        String text = StateFormat.format(state, Note.of(Instant.parse("2026-11-22T01:02:04Z"), "MySQL/Primary: x"));

        assertThat(text)
                .startsWith("understudy-state 1\n")
                .contains("# last change 2026-11-22T01:02:04Z: MySQL/Primary: x\n")
                .contains("server MySQL/Primary maint set 2026-11-22T01:02:03Z \"disable server\"\n")
                .contains("server MySQL/Replica drain set 2026-11-22T01:02:03Z \"disable server\"\n")
                .contains("server MySQL/Replica weight 50 set 2026-11-22T01:02:03Z \"disable server\"\n")
                .contains("backend MySQL active-server Secondary set 2026-11-22T01:02:03Z \"disable server\"\n")
                .endsWith("end\n");
        assertThat(StateFormat.parse(text)).isEqualTo(state);
    }

    @Test
    void settingsAreLinesOfTheirOwnAndReadBack() throws Exception {
        AdminState state = new AdminState(
                Map.of(
                        "MySQL/Primary",
                        new ServerAdmin(
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of(new AdminState.Address(
                                        IpLiteral.parseHostPort("127.0.0.2:3307")
                                                .orElseThrow(),
                                        DISABLE)),
                                Optional.of(new AdminState.Count(10, DISABLE)),
                                Optional.of(new AdminState.Count(9200, Note.UNRECORDED)))),
                Map.of());
        String text = StateFormat.format(state);
        assertThat(text)
                .contains("server MySQL/Primary addr 127.0.0.2:3307 set 2026-11-22T01:02:03Z \"disable server\"\n")
                .contains("server MySQL/Primary maxconn 10 set 2026-11-22T01:02:03Z \"disable server\"\n")
                .contains("server MySQL/Primary check-port 9200\n");
        assertThat(StateFormat.parse(text)).isEqualTo(state);
        // IPv6, bracketed as in the config.
        AdminState v6 = StateFormat.parse("understudy-state 1\nserver MySQL/P addr [::1]:3306\nend\n");
        assertThat(v6.server("MySQL/P")
                        .orElseThrow()
                        .address()
                        .orElseThrow()
                        .value()
                        .resolved())
                .isEqualTo(new java.net.InetSocketAddress("::1", 3306));
    }

    @Test
    void addedAndDeletedServersAreLinesOfTheirOwn() throws Exception {
        AdminState state = new AdminState(
                Map.of("MySQL/C", new ServerAdmin(Optional.of(DISABLE), Optional.empty(), Optional.empty())),
                Map.of(),
                AdminState.Epoch.NONE,
                Map.of(
                        "MySQL/C",
                        new AdminState.Added(
                                new ServerSpec(
                                        IpLiteral.parseHostPort("[::1]:3307").orElseThrow(), true, true, 5, 20),
                                DISABLE)),
                Map.of("MySQL/Primary", DISABLE));
        String text = StateFormat.format(state);
        assertThat(text)
                .contains("added-server MySQL/C [::1]:3307 backup check weight 5 maxconn 20 set 2026-11-22T01:02:03Z"
                        + " \"disable server\"\n")
                .contains("deleted-server MySQL/Primary set 2026-11-22T01:02:03Z \"disable server\"\n");
        // The server is defined before its decisions.
        assertThat(text.indexOf("added-server MySQL/C")).isLessThan(text.indexOf("server MySQL/C maint"));
        assertThat(StateFormat.parse(text)).isEqualTo(state);
        assertThat(StateFormat.parse("understudy-state 1\nadded-server MySQL/E 10.0.0.1:3306 id 7\nend\n")
                        .added()
                        .get("MySQL/E")
                        .spec()
                        .id())
                .isEqualTo(7);
        assertThat(StateFormat.parse("understudy-state 1\nadded-server MySQL/D 10.0.0.1:3306\nend\n")
                        .added()
                        .get("MySQL/D")
                        .spec())
                .isEqualTo(
                        new ServerSpec(IpLiteral.parseHostPort("10.0.0.1:3306").orElseThrow(), false, false, 1, 0));
    }

    @Test
    void frontendAndProcessDecisionsReadBack() throws Exception {
        AdminState state = AdminState.EMPTY.withRuntime(
                Map.of(
                        "MySQL",
                        new AdminState.FrontendAdmin(
                                Optional.of(DISABLE), Optional.of(new AdminState.Count(100, DISABLE)))),
                new AdminState.ProcessAdmin(
                        Optional.of(new AdminState.Count(500, DISABLE)),
                        Optional.of(new AdminState.Count(50, Note.UNRECORDED))));
        String text = StateFormat.format(state);
        assertThat(text)
                .contains("frontend MySQL disabled set 2026-11-22T01:02:03Z \"disable server\"\n")
                .contains("frontend MySQL maxconn 100 set ")
                .contains("global maxconn 500 set ")
                .contains("global maxconnrate 50\n");
        assertThat(StateFormat.parse(text)).isEqualTo(state);
        assertProblem("understudy-state 1\nglobal maxconn 0\nend\n", "line 2: maxconn '0' is not an integer 1..");
        assertProblem("understudy-state 1\nglobal speed 3\nend\n", "line 2: expected global maxconn|maxconnrate");
        assertProblem("understudy-state 1\nfrontend MySQL paused\nend\n", "unknown frontend setting 'paused'");
    }

    @Test
    void oddNamesAndReasonsSurviveQuoting() throws Exception {
        Note odd = Note.of(Instant.parse("2026-01-01T00:00:00Z"), "say \"hi\"\nback\\slash # not a comment");
        AdminState state = new AdminState(
                Map.of("my db/pri mary#1", new ServerAdmin(Optional.of(odd), Optional.empty(), Optional.empty())),
                Map.of("my db", new BackendAdmin("se\"c", odd)));

        String text = StateFormat.format(state, odd);

        assertThat(text.lines().filter(l -> l.startsWith("# last change"))).hasSize(1);
        assertThat(StateFormat.parse(text)).isEqualTo(state);
    }

    @Test
    void acceptsWhatAnOperatorWritesByHand() throws Exception {
        String text = "# written at 3 a.m.\r\n"
                + "understudy-state 1\r\n"
                + "\n"
                + "  server MySQL/Primary maint   # disk swap, ask Ann\n"
                + "server MySQL/Replica weight 0\n"
                + "backend MySQL active-server Secondary set 2026-11-22T01:02:03Z\n"
                + "end\n"
                + "# trailing comment\n";

        AdminState s = StateFormat.parse(text);

        assertThat(s.server("MySQL/Primary").orElseThrow().maintenance()).contains(Note.UNRECORDED);
        assertThat(s.server("MySQL/Replica").orElseThrow().weight()).contains(new Weight(0, Note.UNRECORDED));
        assertThat(s.backend("MySQL").orElseThrow())
                .isEqualTo(new BackendAdmin("Secondary", Note.of(Instant.parse("2026-11-22T01:02:03Z"), "")));
        assertThat(Note.UNRECORDED.describe()).isEqualTo("set by hand");
    }

    @Test
    void theEpochOfThePairsDecisionsIsKept() throws Exception {
        AdminState s = new AdminState(
                Map.of(),
                Map.of("MySQL", new AdminState.BackendAdmin("Secondary", Note.UNRECORDED)),
                new AdminState.Epoch(12, "lbA"));
        String text = StateFormat.format(s, Note.UNRECORDED);
        assertThat(text).contains("\nepoch 12 by lbA\n");
        assertThat(StateFormat.parse(text)).isEqualTo(s);
        assertThat(StateFormat.parse(StateFormat.format(s))).isEqualTo(s);
        // A file written before epochs: epoch 0.
        assertThat(StateFormat.parse("understudy-state 1\nend\n").epoch()).isEqualTo(AdminState.Epoch.NONE);
        assertProblem("understudy-state 1\nepoch x\nend\n", "line 2: epoch 'x' is not a whole number");
        assertProblem("understudy-state 1\nepoch 3 from lbA\nend\n", "line 2: expected epoch <n> [by <proxy>]");
        assertProblem("understudy-state 1\nepoch 3\nepoch 4\nend\n", "line 3: 'epoch' repeats line 2");
    }

    @Test
    void rejectsWhatCannotBeTrustedNamingTheLine() {
        assertProblem("", "empty");
        assertProblem("hello\n", "line 1: not a state file");
        assertProblem("understudy-state 2\nend\n", "line 1: unsupported version '2'");
        assertProblem("understudy-state 1\nserver MySQL/Primary maint\n", "truncated: no 'end' line after line 2");
        assertProblem("understudy-state 1\nservr MySQL/Primary maint\nend\n", "line 2: unknown word 'servr'");
        assertProblem("understudy-state 1\nserver Primary maint\nend\n", "line 2: 'Primary' is not <backend>/<server>");
        assertProblem("understudy-state 1\nserver MySQL/P weight 300\nend\n", "line 2: weight '300'");
        assertProblem(
                "understudy-state 1\nserver MySQL/P weight 3\nserver MySQL/P weight 4\nend\n",
                "line 3: 'server MySQL/P weight' repeats line 2");
        assertProblem("understudy-state 1\nserver MySQL/P maint set yesterday\nend\n", "line 2: 'yesterday'");
        assertProblem("understudy-state 1\nserver MySQL/P maint \"x\nend\n", "line 2: unterminated quote");
        assertProblem("understudy-state 1\nend\nserver MySQL/P maint\n", "line 3: 'server' after the 'end' line");
        assertProblem("understudy-state 1\nbackend MySQL pinned Secondary\nend\n", "line 2: expected backend");
        // A name would need DNS at start: only addresses.
        assertProblem(
                "understudy-state 1\nserver MySQL/P addr db1:3306\nend\n",
                "line 2: addr 'db1:3306' is not <ip>:<port>");
        assertProblem("understudy-state 1\nserver MySQL/P addr 127.0.0.1:0\nend\n", "line 2: addr '127.0.0.1:0'");
        assertProblem("understudy-state 1\nserver MySQL/P maxconn -1\nend\n", "line 2: maxconn '-1' is not an integer");
        assertProblem("understudy-state 1\nserver MySQL/P check-port 70000\nend\n", "line 2: check-port '70000'");
        assertProblem("understudy-state 1\nserver MySQL/P speed 3\nend\n", "unknown server setting 'speed'");
        assertProblem("understudy-state 1\nadded-server MySQL/C db1:3306\nend\n", "line 2: address 'db1:3306'");
        assertProblem(
                "understudy-state 1\nadded-server MySQL/C 999.1.1.1:3306\nend\n", "line 2: address '999.1.1.1:3306'");
        assertProblem("understudy-state 1\nadded-server MySQL/C,x 10.0.0.1:3306\nend\n", "invalid server name 'C,x'");
        assertProblem("understudy-state 1\nadded-server MySQL/C 10.0.0.1:3306 fast\nend\n", "unknown word 'fast'");
        assertProblem("understudy-state 1\nadded-server MySQL/C 10.0.0.1:3306 weight 999\nend\n", "weight '999'");
        assertProblem(
                "understudy-state 1\ndeleted-server MySQL/C\ndeleted-server MySQL/C\nend\n",
                "line 3: 'deleted-server MySQL/C' repeats line 2");
    }

    private static void assertProblem(String text, String problem) {
        assertThatThrownBy(() -> StateFormat.parse(text))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining(problem);
    }
}
