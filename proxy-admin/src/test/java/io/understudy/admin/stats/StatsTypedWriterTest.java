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
import io.understudy.core.frontend.Frontend;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Health;
import io.understudy.core.model.OpState;
import io.understudy.core.model.Server;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code show stat typed} and {@code json} against Debian's HAProxy 2.6 (captured, see the resources' README): the same
 * topology rebuilt here must give the same entries, with the same positions, names, tags and types, in the same order;
 * values that depend on the moment (ids aside) may differ.
 */
class StatsTypedWriterTest {
    private static final long NOW = 1_800_000_000_000L;

    private List<StatRow> rows;

    /** The captured topology: Primary checked and DOWN (connection refused), Secondary a backup without checks. */
    @BeforeEach
    void rows() {
        Backend be = new Backend(
                backend(
                        "MySQL",
                        Balance.FIRST,
                        server("Primary", 1, 39991, false, 1, 0, true),
                        server("Secondary", 2, 39992, true, 1, 0, false)),
                NOW - 5_000);
        try (ControlPlane control = new ControlPlane(List.of(be), x -> 0)) {
            Commands.down(control, be.server("Primary").orElseThrow());
        }
        Server primary = be.server("Primary").orElseThrow();
        Server secondary = be.server("Secondary").orElseThrow();
        CheckSnapshot refused = new CheckSnapshot(
                new Health(0, 2, 3),
                Optional.of(CheckResult.of(CheckStatus.L4CON, "Connection refused", 0)),
                NOW,
                false,
                1,
                0,
                0,
                false);
        rows = List.of(
                ProxyRows.frontend(new Frontend(frontend("MySQL", 39306, 9985), be), 2),
                ServerRows.of(
                        primary,
                        TestStates.of(OpState.STOPPED, Set.of(), 1, NOW - 1_000, 1, 1),
                        Optional.of(refused),
                        2,
                        NOW),
                ServerRows.of(
                        secondary, TestStates.of(OpState.RUNNING, Set.of(), 1, NOW, 0, 0), Optional.empty(), 2, NOW),
                ProxyRows.backend(be, 2, 9985, NOW));
    }

    @Test
    void typedHasHaproxysEntriesTagsAndTypesInItsOrder() throws IOException {
        String ours = StatsTypedWriter.typed(true).render(rows);
        String theirs = HaproxyParityTest.resource("haproxy-2.6.12-stat-typed.txt");
        assertThat(ours).endsWith("\n").doesNotEndWith("\n\n");
        assertThat(withoutValues(ours)).isEqualTo(withoutValues(theirs));
        // Values that are the same by construction are the same.
        assertThat(ours)
                .contains("S.2.1.36.check_status.1:MOP:str:L4CON\n")
                .contains("S.2.1.56.last_chk.1:MOP:str:Connection refused\n")
                .contains("S.2.2.17.status.1:SGP:str:no check\n")
                .contains("B.2.0.76.algo.1:CGS:str:first\n")
                .contains("F.2.0.6.slim.1:CLP:u32:9985\n");
    }

    @Test
    void jsonHasHaproxysStructure() throws IOException {
        String ours = StatsTypedWriter.json(true).render(rows);
        String theirs = HaproxyParityTest.resource("haproxy-2.6.12-stat-json.txt");
        assertThat(ours + "\n").as("the CLI adds the final empty line").endsWith("]]\n\n");
        assertThat(jsonWithoutValues(ours.strip())).isEqualTo(jsonWithoutValues(theirs.strip()));
        assertThat(ours)
                .contains("\"field\":{\"pos\":17,\"name\":\"status\"},\"processNum\":1,\"tags\":{\"origin\":"
                        + "\"Status\",\"nature\":\"Gauge\",\"scope\":\"Process\"},\"value\":{\"type\":\"str\",\"value\":"
                        + "\"no check\"}");
    }

    @Test
    void userLevelLeavesTheLegendsOut() {
        String user = StatsTypedWriter.typed(false).render(rows);
        assertThat(user).doesNotContain(".addr.").doesNotContain(".algo.").contains(".status.");
    }

    @Test
    void jsonEscapesTexts() {
        StringBuilder out = new StringBuilder();
        FieldTags.appendJsonString("a\"b\\c\nd\u0001", out);
        assertThat(out).hasToString("\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    /** Each typed line without its value: {@code S.2.1.36.check_status.1:MOP:str}. */
    private static List<String> withoutValues(String typed) {
        return Arrays.stream(typed.split("\n"))
                .filter(l -> !l.isEmpty())
                .map(l -> l.substring(0, nthColon(l, 3)))
                .toList();
    }

    private static int nthColon(String s, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = s.indexOf(':', at + 1);
        }
        return at;
    }

    /** The JSON with every value replaced by {@code V}: structure, positions, names, tags and types remain. */
    private static String jsonWithoutValues(String json) {
        return json.replaceAll(
                "(\"value\":\\{\"type\":\"[a-z0-9]+\",\"value\":)(\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9]+)", "$1V");
    }
}
