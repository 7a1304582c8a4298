package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.testkit.FreePorts;
import io.understudy.testkit.HaproxyProcess;
import io.understudy.testkit.Socat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HAProxy 2.6's runtime changes ({@code set server addr|check-port|health}, {@code set maxconn}, ...) sent to the real
 * HAProxy and to Understudy on the same topology: the answers and refusals must be byte-identical, and what the
 * changes leave in {@code show servers state} and {@code show stat} must agree. Where HAProxy's answer comes from a bug
 * (a port that wraps around, {@code atoi} turning garbage into a limit) Understudy refuses instead; those cases are in
 * the unit tests and in docs/admin.md, not here.
 */
@Timeout(120)
class RuntimeChangesParityIT {
    @TempDir
    static Path dir;

    static HaproxyProcess haproxy;
    static InProcessProxy understudy;
    static Path hAdmin;
    static Path uAdmin;
    static int primary;
    static int secondary;
    static int other;

    @BeforeAll
    static void start() throws Exception {
        // Nobody listens on these ports: the checked Primary is DOWN in both, which the commands here do not mind.
        primary = FreePorts.find();
        secondary = FreePorts.find();
        other = FreePorts.find();
        hAdmin = Files.createDirectories(dir.resolve("h")).resolve("admin.sock");
        uAdmin = Files.createDirectories(dir.resolve("u")).resolve("admin.sock");
        haproxy = HaproxyProcess.start(
                hAdmin.getParent(),
                String.join(
                        "\n",
                        "global",
                        "  stats socket " + hAdmin + " level admin",
                        "defaults",
                        "  mode tcp",
                        "  maxconn 2000",
                        "  timeout connect 1s",
                        "  timeout client 1m",
                        "  timeout server 1m",
                        "listen MySQL",
                        "  bind 127.0.0.1:" + FreePorts.find(),
                        "  balance first",
                        "  server Primary 127.0.0.1:" + primary + " check inter 60s",
                        "  server Secondary 127.0.0.1:" + secondary + " backup",
                        "listen Other",
                        "  bind 127.0.0.1:" + FreePorts.find(),
                        "  server Only 127.0.0.1:" + other,
                        ""),
                List.of(hAdmin));
        understudy = InProcessProxy.of(String.join(
                "\n",
                "defaults.maxconn = 2000",
                "listen.MySQL {",
                "  bind = \"127.0.0.1:0\"",
                "  balance = first",
                "  servers = [",
                "    { name = Primary, address = \"127.0.0.1:" + primary + "\", check { type = tcp, inter = 60s } }",
                "    { name = Secondary, address = \"127.0.0.1:" + secondary + "\", backup = true }",
                "  ]",
                "}",
                "listen.Other {",
                "  bind = \"127.0.0.1:0\"",
                "  servers = [ { name = Only, address = \"127.0.0.1:" + other + "\" } ]",
                "}",
                "admin.sockets = [ { path = \"" + uAdmin + "\", level = admin } ]",
                ""));
    }

    @AfterAll
    static void stop() {
        if (understudy != null) {
            understudy.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
    }

    /** Sends each command to both, in order; returns the differences. */
    static List<String> differences(List<String> commands) {
        List<String> out = new ArrayList<>();
        for (String c : commands) {
            String h = Socat.command(hAdmin, c);
            String u = Socat.command(uAdmin, c);
            if (!h.equals(u)) {
                out.add(c + "\n  haproxy:    " + AdminParityIT.escape(h) + "\n  understudy: "
                        + AdminParityIT.escape(u));
            }
        }
        return out;
    }

    @Test
    void serverSettingsAnswerAsHaproxyDoes() {
        List<String> d = differences(List.of(
                "set server MySQL/Primary addr 127.0.0.2",
                "set server MySQL/Primary addr 127.0.0.2 port " + other,
                "set server MySQL/Primary addr 127.0.0.2 port " + other,
                "set server MySQL/Primary addr 127.0.0.1 port " + primary,
                "set server MySQL/Primary addr ::1",
                "set server MySQL/Primary addr 127.0.0.1",
                "set server MySQL/Primary addr 127.0.0.1 foo 3",
                "set server MySQL/Primary addr bogus",
                "set server MySQL/Primary addr localhost",
                "set server MySQL/Primary addr",
                "set server MySQL/Nope addr 127.0.0.1",
                "set server MySQL/Primary check-port " + other,
                "set server MySQL/Primary check-port",
                "set server MySQL/Primary check-port abc",
                "set server MySQL/Primary check-port 70000",
                "set server MySQL/Primary check-port -1",
                "set server MySQL/Secondary check-port 5",
                "set server MySQL/Primary health foo",
                "set server MySQL/Primary health",
                "set server MySQL/Secondary health stopping",
                "set server MySQL/Secondary health up",
                "set maxconn server MySQL/Primary 10",
                "set maxconn server MySQL/Primary",
                "set maxconn server MySQL/Primary abc",
                "set maxconn server MySQL/Nope 10",
                "set maxconn server Nope/Primary 3",
                "set maxconn server MySQL 3"));
        assertThat(d).as(String.join("\n", d)).isEmpty();

        // What the changes left: addresses, ports, check ports and limits, in both.
        List<String> stateFields = List.of("srv_name", "srv_addr", "srv_port", "srv_check_port", "srv_uweight");
        assertThat(serversState(Socat.command(uAdmin, "show servers state"), stateFields))
                .isEqualTo(serversState(Socat.command(hAdmin, "show servers state"), stateFields));
        List<String> statFields = List.of("slim", "addr", "weight", "act", "bck");
        assertThat(AdminParityIT.rows(Socat.command(uAdmin, "show stat"), statFields))
                .isEqualTo(AdminParityIT.rows(Socat.command(hAdmin, "show stat"), statFields));
    }

    @Test
    void addAndDelServerAnswerAsHaproxyDoes() throws Exception {
        int p3 = FreePorts.find();
        int p4 = FreePorts.find();
        int p5 = FreePorts.find();
        List<String> d = differences(List.of(
                "add server MySQL/Third 127.0.0.1:" + p3,
                "add server MySQL/Third 127.0.0.1:" + p3,
                "add server MySQL/Fourth 127.0.0.1:" + p4 + " backup check",
                "add server MySQL/Five 127.0.0.1:" + p5 + " weight 5",
                "add server MySQL/Six 127.0.0.1:" + p5 + " bogus",
                "add server MySQL/Seven",
                "add server MySQL",
                "add server",
                "add server Nope/X 127.0.0.1:" + p5,
                "add server MySQL/Eight 127.0.0.1:70000",
                "add server MySQL/Nine 127.0.0.1:" + p5 + " weight 300",
                "del server MySQL/Third",
                "disable server MySQL/Third",
                "del server MySQL/Third",
                "del server MySQL/Nope",
                "del server Nope/Primary",
                "del server MySQL",
                "del server",
                "del server MySQL/Secondary",
                "enable server MySQL/Five",
                "del server MySQL/Five"));
        assertThat(d).as(String.join("\n", d)).isEmpty();
        List<String> statFields = List.of("svname", "status", "weight", "act", "bck", "sid", "addr");
        assertThat(AdminParityIT.rows(Socat.command(uAdmin, "show stat"), statFields))
                .isEqualTo(AdminParityIT.rows(Socat.command(hAdmin, "show stat"), statFields));
    }

    @Test
    void frontendAndProcessLimitsAnswerAsHaproxyDoes() throws Exception {
        int port = understudy.port();
        List<String> d = differences(List.of(
                "disable frontend MySQL",
                "disable frontend MySQL",
                "enable frontend MySQL",
                "enable frontend MySQL",
                "disable frontend Nope",
                "disable frontend",
                "enable frontend Nope",
                "set maxconn frontend MySQL 100",
                "set maxconn frontend MySQL",
                "set maxconn frontend MySQL -1",
                "set maxconn frontend Nope 5",
                "set maxconn global 500",
                "set maxconn global",
                "set maxconn global 99999999",
                "set rate-limit connections global 100",
                "set rate-limit connections global",
                "set rate-limit connections global -3"));
        assertThat(d).as(String.join("\n", d)).isEmpty();
        List<String> statFields = List.of("svname", "status", "slim");
        assertThat(AdminParityIT.rows(Socat.command(uAdmin, "show stat -1 1 -1"), statFields))
                .isEqualTo(AdminParityIT.rows(Socat.command(hAdmin, "show stat -1 1 -1"), statFields));
        for (String key : List.of("Maxconn: ", "ConnRateLimit: ")) {
            assertThat(line(Socat.command(uAdmin, "show info"), key))
                    .isEqualTo(line(Socat.command(hAdmin, "show info"), key))
                    .isNotEmpty();
        }
        // Paused: refused at once, as HAProxy's paused listener refuses; enabled again, it accepts.
        d = differences(List.of("disable frontend MySQL"));
        assertThat(d).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close())
                .isInstanceOf(java.net.ConnectException.class);
        assertThat(differences(List.of("enable frontend MySQL"))).isEmpty();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .ignoreExceptions()
                .untilAsserted(() -> new java.net.Socket("127.0.0.1", port).close());
        assertThat(differences(List.of("disable frontend MySQL"))).isEmpty();
        assertThat(AdminParityIT.rows(Socat.command(uAdmin, "show stat -1 1 -1"), statFields))
                .isEqualTo(AdminParityIT.rows(Socat.command(hAdmin, "show stat -1 1 -1"), statFields));
        // A shutdown is final until a restart (on another listen section: HAProxy then refuses every command on the
        // shut section's servers with "Proxy is disabled.", which the other tests here would meet).
        d = differences(List.of(
                "shutdown frontend Other",
                "shutdown frontend Other",
                "enable frontend Other",
                "disable frontend Other",
                "shutdown frontend Nope",
                "shutdown frontend"));
        assertThat(d).as(String.join("\n", d)).isEmpty();
        assertThat(AdminParityIT.rows(Socat.command(uAdmin, "show stat -1 1 -1"), statFields))
                .isEqualTo(AdminParityIT.rows(Socat.command(hAdmin, "show stat -1 1 -1"), statFields));
        // The unknown-command answer lists the same three set maxconn commands (the prompt line is ours).
        for (String c : List.of("set maxconn", "set maxconn foo")) {
            assertThat(withoutPrompt(Socat.command(uAdmin, c))).isEqualTo(withoutPrompt(Socat.command(hAdmin, c)));
        }
    }

    @Test
    void showActivityPrintsASubsetOfHaproxysLinesInItsOrder() {
        List<String> ours = names(Socat.command(uAdmin, "show activity"));
        List<String> theirs = names(Socat.command(hAdmin, "show activity"));
        assertThat(ours).isNotEmpty().isSubsetOf(theirs);
        assertThat(theirs.stream().filter(ours::contains).toList()).isEqualTo(ours);
    }

    private static List<String> names(String text) {
        return text.lines()
                .filter(l -> l.contains(":"))
                .map(l -> l.substring(0, l.indexOf(':')))
                .toList();
    }

    private static String line(String text, String key) {
        return text.lines().filter(l -> l.startsWith(key)).findFirst().orElse("");
    }

    private static String withoutPrompt(String text) {
        return text.lines().filter(l -> !l.startsWith("  prompt")).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The chosen columns of {@code show servers state}, one map per server line. */
    static List<Map<String, String>> serversState(String text, List<String> fields) {
        List<String> lines = text.lines().filter(l -> !l.isEmpty()).toList();
        List<String> header = List.of(lines.get(1).substring(2).split(" "));
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : lines.subList(2, lines.size())) {
            String[] cells = line.split(" ");
            Map<String, String> row = new java.util.LinkedHashMap<>();
            for (String f : fields) {
                row.put(f, cells[header.indexOf(f)]);
            }
            out.add(row);
        }
        return out;
    }
}
