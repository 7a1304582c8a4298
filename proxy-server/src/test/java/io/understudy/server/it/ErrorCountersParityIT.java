package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.FreePorts;
import io.understudy.testkit.HaproxyProcess;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.Socat;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 1: the error and attempt columns of {@code show stat} ({@code stot ereq econ eresp wretr cli_abrt
 * srv_abrt connect eint}) count the same events as the real HAProxy (Debian's package). Both proxies stand in front of one real MariaDB
 * with the same sections, the same client actions are played against each (a clean close, a reset, a client-side and
 * a server-side timeout, connects refused with one retry), and the cells must be equal.
 */
@Timeout(120)
class ErrorCountersParityIT {
    private static final List<String> FIELDS =
            List.of("stot", "ereq", "econ", "eresp", "wretr", "cli_abrt", "srv_abrt", "connect", "eint");
    private static final List<String> SECTIONS = List.of("Plain", "ClientIdle", "ServerIdle", "Refused");

    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.single();

    @TempDir
    static Path dir;

    static HaproxyProcess haproxy;
    static InProcessProxy understudy;
    static Path hAdmin;
    static Path uAdmin;
    static final Map<String, Integer> H_PORTS = new LinkedHashMap<>();
    static final Map<String, Integer> U_PORTS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        int refused = FreePorts.find(); // nothing listens there
        Path h = Files.createDirectories(dir.resolve("h"));
        hAdmin = h.resolve("admin.sock");
        uAdmin = Files.createDirectories(dir.resolve("u")).resolve("admin.sock");
        StringBuilder hcfg = new StringBuilder(String.join(
                "\n",
                "global",
                "  stats socket " + hAdmin + " level admin",
                "defaults",
                "  mode tcp",
                "  timeout connect 1s",
                "  timeout client 1m",
                "  timeout server 1m",
                "  retries 1",
                ""));
        StringBuilder ucfg = new StringBuilder("admin.sockets = [ { path = \"" + uAdmin + "\", level = admin } ]\n"
                + "defaults { retries = 1, timeout.connect = 1s, timeout.client = 1m, timeout.server = 1m }\n");
        for (String s : SECTIONS) {
            int hp = FreePorts.find();
            H_PORTS.put(s, hp);
            int target = s.equals("Refused") ? refused : db.server().port();
            String timeouts =
                    switch (s) {
                        case "ClientIdle" -> "  timeout client 300ms\n";
                        case "ServerIdle" -> "  timeout server 300ms\n";
                        default -> "";
                    };
            hcfg.append("listen ")
                    .append(s)
                    .append("\n  bind 127.0.0.1:")
                    .append(hp)
                    .append('\n')
                    .append(timeouts)
                    .append("  server Db 127.0.0.1:")
                    .append(target)
                    .append('\n');
            String uTimeouts =
                    switch (s) {
                        case "ClientIdle" -> "timeout.client = 300ms, ";
                        case "ServerIdle" -> "timeout.server = 300ms, ";
                        default -> "";
                    };
            ucfg.append("listen.")
                    .append(s)
                    .append(" { bind = \"127.0.0.1:0\", ")
                    .append(uTimeouts)
                    .append("servers = [ { name = Db, address = \"127.0.0.1:")
                    .append(target)
                    .append("\" } ] }\n");
        }
        haproxy = HaproxyProcess.start(h, hcfg.toString(), List.of(hAdmin));
        understudy = InProcessProxy.of(ucfg.toString());
        for (String s : SECTIONS) {
            U_PORTS.put(s, understudy.engine().boundAddress(s).orElseThrow().getPort());
        }
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

    @Test
    void errorAndAttemptColumnsCountWhatHaproxyCounts() throws Exception {
        play(H_PORTS);
        play(U_PORTS);
        // Every session of both has ended (stot as expected, scur back to 0) before the cells are compared.
        Map<String, Map<String, String>> h = awaitEnded(hAdmin);
        Map<String, Map<String, String>> u = awaitEnded(uAdmin);
        List<String> differences = new ArrayList<>();
        for (String row : h.keySet()) {
            for (String f : FIELDS) {
                String hv = h.get(row).get(f);
                String uv = u.getOrDefault(row, Map.of()).get(f);
                if (!hv.equals(uv)) {
                    differences.add(row + " " + f + ": haproxy '" + hv + "', understudy '" + uv + "'");
                }
            }
        }
        System.out.println("haproxy:    " + h + "\nunderstudy: " + u);
        assertThat(differences).as("cells that differ").isEmpty();
        // And the events did happen: not a comparison of zeros.
        assertThat(u.get("Plain/Db").get("cli_abrt")).isEqualTo("1");
        assertThat(u.get("ServerIdle/Db").get("srv_abrt")).isEqualTo("1");
        assertThat(u.get("Refused/Db").get("connect")).isEqualTo("2");
    }

    /** The same client actions against one proxy's sections. */
    private static void play(Map<String, Integer> ports) throws Exception {
        // A client that reads the greeting and closes normally (FIN): no abort.
        try (Socket s = greeted(ports.get("Plain"))) {
            s.shutdownOutput();
            s.getInputStream().readAllBytes(); // the server's side closes in turn
        }
        // A client that resets the connection after the greeting: an abort of the client's side (CD).
        Socket reset = greeted(ports.get("Plain"));
        reset.setSoLinger(true, 0);
        reset.close();
        // Clients that say nothing after the greeting: one side's inactivity timeout ends each (cD, sD).
        try (Socket s = greeted(ports.get("ClientIdle"))) {
            s.getInputStream().readAllBytes();
        }
        try (Socket s = greeted(ports.get("ServerIdle"))) {
            s.getInputStream().readAllBytes();
        }
        // A server that refuses: two attempts (retries 1), then the client is let go (SC).
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", ports.get("Refused")), 5_000);
            s.setSoTimeout(10_000);
            s.getInputStream().readAllBytes();
        }
    }

    /** A connection through the proxy that has received the server's greeting (the session is in its data phase). */
    private static Socket greeted(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        byte[] header = in.readNBytes(4);
        assertThat(header).as("greeting header").hasSize(4);
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        assertThat(in.readNBytes(length)).as("greeting body").hasSize(length);
        return s;
    }

    private static Map<String, Map<String, String>> awaitEnded(Path admin) {
        Map<String, String> expectedStot = Map.of("Plain", "2", "ClientIdle", "1", "ServerIdle", "1", "Refused", "1");
        return await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> rows(Socat.send(admin, "show stat\n")), rows -> SECTIONS.stream()
                        .allMatch(s -> rows.containsKey(s + "/FRONTEND")
                                && expectedStot
                                        .get(s)
                                        .equals(rows.get(s + "/FRONTEND").get("stot"))
                                && "0".equals(rows.get(s + "/FRONTEND").get("scur"))
                                && "0".equals(rows.get(s + "/Db").get("scur"))));
    }

    /** {@code show stat} as rows keyed {@code pxname/svname}, each a map from column name to cell. */
    static Map<String, Map<String, String>> rows(String csv) {
        String[] lines = csv.split("\n");
        String[] header = lines[0].substring(2).split(",", -1);
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            String[] cells = lines[i].split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.length && c < cells.length; c++) {
                if (FIELDS.contains(header[c]) || header[c].equals("scur")) {
                    row.put(header[c], cells[c]);
                }
            }
            rows.put(cells[0] + "/" + cells[1], row);
        }
        return rows;
    }
}
