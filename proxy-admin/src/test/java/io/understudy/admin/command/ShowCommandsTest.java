package io.understudy.admin.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.model.AdminFlag;
import io.understudy.testkit.LeakDetectionExtension;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The read-only commands: exact formats of {@code show servers state}, {@code show info}, {@code show backend}. */
@Timeout(60)
@ExtendWith(LeakDetectionExtension.class)
class ShowCommandsTest {
    static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void serversStateIsHaproxysFormat() throws Exception {
        int p1 = proxy.server("Primary").config().address().port();
        int p2 = proxy.server("Secondary").config().address().port();
        await().until(() -> proxy.context()
                .health()
                .snapshot(proxy.server("Primary"))
                .orElseThrow()
                .last()
                .isPresent());
        String out = proxy.run(Level.USER, "show servers state");
        String[] lines = out.split("\n", -1);
        assertThat(lines[0]).isEqualTo("1");
        assertThat(lines[1])
                .isEqualTo("# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight"
                        + " srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health"
                        + " srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port"
                        + " srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port");
        // Primary: running (2), checked, passing (L4OK = 6, PASSED = 3), health rise+fall-1 = 4, configured+enabled.
        assertThat(lines[2])
                .matches("1 MySQL 1 Primary 127\\.0\\.0\\.1 2 0 1 1 \\d+ 6 3 4 6 0 0 0 - " + p1 + " - 0 0 - - 0");
        // Secondary: no check: INI (1), unknown (0), health = rise (2), check state 0.
        assertThat(lines[3])
                .matches("1 MySQL 2 Secondary 127\\.0\\.0\\.1 2 0 1 1 \\d+ 1 0 2 0 0 0 0 - " + p2 + " - 0 0 - - 0");
        assertThat(lines).hasSize(5);
        assertThat(lines[4]).isEmpty();

        assertThat(proxy.run(Level.USER, "show servers state MySQL")).isEqualTo(out);
        assertThat(proxy.run(Level.USER, "show servers state #1")).isEqualTo(out);
        assertThat(proxy.run(Level.USER, "show servers state nope")).isEqualTo("Can't find backend.\n");
    }

    @Test
    void serversStateShowsMaintenanceBitsAndPausedChecks() throws Exception {
        assertThat(proxy.run(Level.ADMIN, "disable server MySQL/Primary")).isEmpty();
        try {
            String row = proxy.run(Level.USER, "show servers state").split("\n")[2];
            String[] f = row.split(" ");
            assertThat(f[6]).as("srv_admin_state").isEqualTo(String.valueOf(AdminFlag.FMAINT.bit()));
            assertThat(f[13]).as("srv_check_state: configured+enabled+paused").isEqualTo("14");
        } finally {
            proxy.run(Level.ADMIN, "enable server MySQL/Primary");
        }
    }

    /** The captured output of Debian's HAProxy 2.6 (see the stats test resources' README). */
    private static String haproxy(String name) throws Exception {
        try (var in = ShowCommandsTest.class.getResourceAsStream("/io/understudy/admin/stats/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Keys that depend on the platform (a jar's build date, /proc, Netty's allocator metrics) and may be absent. */
    private static final List<String> PLATFORM = List.of(
            "Release_date",
            "Ulimit-n",
            "Maxsock",
            "node",
            "Idle_pct",
            "PoolAlloc_MB",
            "PoolUsed_MB",
            "PoolAlloc_bytes",
            "PoolUsed_bytes");

    private static List<String> keys(String plain) {
        return plain.lines()
                .filter(l -> !l.isEmpty())
                .map(l -> l.substring(0, l.indexOf(": ")))
                .toList();
    }

    @Test
    void infoHasHaproxysKeysInHaproxysOrder() throws Exception {
        String out = proxy.run(Level.USER, "show info");
        List<String> theirs = keys(haproxy("haproxy-2.6.12-info.txt"));
        List<String> ours = keys(out);
        assertThat(ours)
                .isEqualTo(theirs.stream()
                        .filter(k -> ours.contains(k) || !PLATFORM.contains(k))
                        .toList());
        assertThat(out).startsWith("Name: Understudy\nVersion: 9.9.9\n");
        assertThat(out).contains("Pid: " + ProcessHandle.current().pid() + "\n", "Nbproc: 1\n", "Maxconn: 1000\n");
        assertThat(out).contains("TotalSplicdedBytesOut: 0\n", "SslRate: 0\n", "Build info: 9.9.9\n");
        assertThat(Pattern.compile("^Uptime: \\d+d \\d+h\\d\\dm\\d\\ds$", Pattern.MULTILINE)
                        .matcher(out)
                        .find())
                .isTrue();
        // HAProxy 2.6 ignores words it does not know.
        assertThat(keys(proxy.run(Level.USER, "show info bogus float"))).isEqualTo(ours);
    }

    @Test
    void infoTypedAndJsonHaveHaproxysPositionsTagsAndTypes() throws Exception {
        String typed = proxy.run(Level.USER, "show info typed");
        List<String> ours = schema(typed);
        List<String> theirs = schema(haproxy("haproxy-2.6.12-info-typed.txt"));
        assertThat(ours)
                .isEqualTo(theirs.stream()
                        .filter(k -> ours.contains(k) || !PLATFORM.contains(k.split("\\.")[1]))
                        .toList());
        assertThat(typed)
                .contains(
                        "0.Name.1:POS:str:Understudy\n",
                        "6.Pid.1:SGP:u32:" + ProcessHandle.current().pid());

        String json = proxy.run(Level.USER, "show info json");
        assertThat(json)
                .startsWith("[{\"field\":{\"pos\":0,\"name\":\"Name\"},\"processNum\":1,\"tags\":{\"origin\":"
                        + "\"Product\",\"nature\":\"Output\",\"scope\":\"Service\"},\"value\":{\"type\":\"str\",\"value\":"
                        + "\"Understudy\"}}");
        assertThat(json)
                .endsWith("}]\n")
                .contains("{\"field\":{\"pos\":8,\"name\":\"Uptime_sec\"},\"processNum\":1,"
                        + "\"tags\":{\"origin\":\"Metric\",\"nature\":\"Duration\",\"scope\":\"Process\"},\"value\":"
                        + "{\"type\":\"u32\",\"value\":");
        // Every entry of the JSON is an entry of the typed form, in the same order.
        assertThat(json.split("\\{\"field\":")).hasSize(ours.size() + 1);
        assertThat(proxy.run(Level.USER, "show info typed desc")).isEqualTo(CliMessages.SHOW_INFO_NO_DESC);
    }

    /** Each typed line without its value: {@code 6.Pid.1:SGP:u32}. */
    private static List<String> schema(String typed) {
        return typed.lines()
                .filter(l -> !l.isEmpty())
                .map(l -> {
                    int c = l.indexOf(':');
                    c = l.indexOf(':', c + 1);
                    return l.substring(0, l.indexOf(':', c + 1));
                })
                .toList();
    }

    @Test
    void serversConnIsHaproxysTable() throws Exception {
        int threads = proxy.engine().ioThreads();
        int p1 = proxy.server("Primary").config().address().port();
        String out = proxy.run(Level.USER, "show servers conn");
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("# bkname/svname bkid/svid addr port - purge_delay used_cur used_max need_est unsafe_nb"
                        + " safe_nb idle_lim idle_cur idle_per_thr[" + threads + "]");
        assertThat(lines.get(1))
                .matches("MySQL/Primary 1/1 127\\.0\\.0\\.1 " + p1 + " - 5000 0 \\d+ \\d+ 0 0 -1 0"
                        + " 0".repeat(threads));
        assertThat(lines).hasSize(3);
        assertThat(proxy.run(Level.USER, "show servers conn MySQL")).isEqualTo(out);
        assertThat(proxy.run(Level.USER, "show servers conn nope")).isEqualTo("Can't find backend.\n");
    }

    @Test
    void errorsReportNoneCapturedAsHaproxyDoesForTcp() throws Exception {
        String line = "Total events captured on \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] : 0\n";
        assertThat(proxy.run(Level.OPERATOR, "show errors")).matches(line);
        assertThat(proxy.run(Level.OPERATOR, "show errors MySQL request")).matches(line);
        assertThat(proxy.run(Level.OPERATOR, "show errors -1 response")).matches(line);
        assertThat(proxy.run(Level.OPERATOR, "show errors nope")).isEqualTo("No such proxy.\n");
        assertThat(proxy.run(Level.USER, "show errors")).isEqualTo("Permission denied\n");
    }

    @Test
    void versionIsTheBuildsAlone() throws Exception {
        assertThat(proxy.run(Level.USER, "show version")).isEqualTo("9.9.9\n");
    }

    @Test
    void clearCountersForgetsTheMaximaAndAllForgetsEverythingAtAdminLevel() throws Exception {
        var c = proxy.server("Secondary").counters();
        c.sessionOpened(System.currentTimeMillis());
        c.sessionOpened(System.currentTimeMillis());
        c.addBytesOut(100);
        c.sessionClosed(5);
        assertThat(c.maxSessions()).isEqualTo(2);
        assertThat(proxy.run(Level.USER, "clear counters")).isEqualTo(CliMessages.PERMISSION_DENIED);
        assertThat(proxy.run(Level.OPERATOR, "clear counters")).isEmpty();
        assertThat(c.maxSessions()).as("smax forgotten").isZero();
        assertThat(c.sessionRate().max()).isZero();
        assertThat(c.totalTime().max()).isZero();
        assertThat(c.totalSessions()).as("stot kept").isEqualTo(2);
        assertThat(proxy.run(Level.OPERATOR, "clear counters all")).isEqualTo(CliMessages.PERMISSION_DENIED);
        assertThat(c.totalSessions()).isEqualTo(2);
        assertThat(proxy.run(Level.ADMIN, "clear counters all")).isEmpty();
        assertThat(c.totalSessions()).isZero();
        assertThat(c.bytesOut()).isZero();
        assertThat(c.lastSessionMillis()).isEqualTo(-1);
        assertThat(c.currentSessions()).as("what is current stays").isEqualTo(1);
        c.sessionClosed(1);
    }

    @Test
    void statGoesThroughTheRendererWithTheLevel() throws Exception {
        assertThat(proxy.run(Level.USER, "show stat")).isEqualTo("# pxname,svname,\nstats,user,\n");
        assertThat(proxy.run(Level.OPERATOR, "show stat")).isEqualTo("# pxname,svname,\nstats,full,\n");
        assertThat(proxy.run(Level.ADMIN, "show stat")).isEqualTo("# pxname,svname,\nstats,full,\n");
    }

    @Test
    void backendListAndTrafficLine() throws Exception {
        assertThat(proxy.run(Level.USER, "show backend")).isEqualTo("# name\nMySQL\n");
        assertThat(proxy.run(Level.USER, "show backend MySQL"))
                .isEqualTo("# be_name active_server pinned_server failback\nMySQL Primary - auto\n");
        assertThat(proxy.run(Level.USER, "show backend nope")).isEqualTo("No such backend.\n");
    }

    @Test
    void cliLevelAndLowering() throws Exception {
        CliSession s = new CliSession(Level.ADMIN);
        assertThat(proxy.run(s, "show cli level")).isEqualTo("admin\n");
        assertThat(proxy.run(s, "operator")).isEmpty();
        assertThat(proxy.run(s, "show cli level")).isEqualTo("operator\n");
        assertThat(proxy.run(s, "disable server MySQL/Primary")).isEqualTo("Permission denied\n");
        assertThat(proxy.run(s, "user")).isEmpty();
        assertThat(proxy.run(s, "show cli level")).isEqualTo("user\n");
        // Never raised again.
        assertThat(proxy.run(s, "operator")).isEqualTo("Permission denied\n");
        assertThat(proxy.run(s, "show cli level")).isEqualTo("user\n");
        assertThat(proxy.run(s, "user")).isEmpty();
    }
}
