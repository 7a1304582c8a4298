package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.core.model.OpState;
import io.understudy.core.model.Server;
import io.understudy.core.session.ProxySession;
import io.understudy.testkit.FreePorts;
import io.understudy.testkit.HaproxyProcess;
import io.understudy.testkit.LeakDetectionExtension;
import io.understudy.testkit.MariaDbExtension;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PROXY protocol against a real MariaDB that trusts the proxy's address ({@code proxy_protocol_networks}): with
 * {@code send-proxy} MariaDB sees the client's address, not the proxy's, and the server's checks keep passing (and do
 * send a header: MariaDB refuses one from an address it does not trust, error 1130); with {@code accept-proxy} the
 * client is the one a load balancer's header names (a JDBC client that writes one, and a real HAProxy in front), and a
 * connection with a bad, missing or truncated header is closed and counted while the proxy carries on.
 */
@Timeout(300)
@ExtendWith(LeakDetectionExtension.class)
class ProxyProtocolIT {
    /** The proxy (and the tests' root connections) come from 127.0.0.1; clients from 127.0.0.2. */
    private static final String TRUSTED = "127.0.0.1/32";

    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.single(b -> b.option("proxy_protocol_networks", TRUSTED));

    private static InProcessProxy proxy(String listenExtra, String serverExtra) throws Exception {
        return InProcessProxy.of(String.join(
                "\n",
                "listen.MySQL {",
                "  bind = \"127.0.0.1:0\"",
                "  " + listenExtra,
                "  servers = [ { name = Primary, address = \"127.0.0.1:"
                        + db.server().port() + "\"" + serverExtra + " } ]",
                "}"));
    }

    /** What MariaDB says the session's client is ({@code host:port}, no name resolution in the fixture). */
    private static String hostSeenByMariaDb(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Connection fromSecondLoopback(int port) throws SQLException {
        return Jdbc.connect(port, "localSocketAddress=127.0.0.2");
    }

    private static CheckResult awaitCheck(InProcessProxy proxy, CheckStatus status) {
        Server s = proxy.server("Primary");
        return await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> proxy.health().snapshot(s).flatMap(c -> c.last()).orElse(null),
                        r -> r != null && r.status() == status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v2"})
    void withSendProxyMariaDbSeesTheClientsAddressAndTheChecksStayUp(String version) throws Exception {
        try (InProcessProxy proxy =
                proxy("check { type = mysql, user = haproxy, inter = 200ms }", ", send-proxy = " + version)) {
            try (Connection c = fromSecondLoopback(proxy.port())) {
                assertThat(hostSeenByMariaDb(c)).startsWith("127.0.0.2:");
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT USER()")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("app@127.0.0.2");
                }
            }
            CheckResult check = awaitCheck(proxy, CheckStatus.L7OK);
            assertThat(check.info()).contains("MariaDB");
            assertThat(proxy.health()
                            .snapshot(proxy.server("Primary"))
                            .orElseThrow()
                            .failedChecks())
                    .isZero();
        }
    }

    @Test
    void withoutSendProxyMariaDbSeesTheProxy() throws Exception {
        try (InProcessProxy proxy = proxy("", "");
                Connection c = fromSecondLoopback(proxy.port())) {
            assertThat(hostSeenByMariaDb(c)).startsWith("127.0.0.1:");
        }
    }

    /**
     * A server that does not trust the proxy's address refuses a header (1130 "Proxy header is not accepted"): so a
     * failing check proves that checks of a send-proxy server do send one, and a passing check without send-proxy
     * proves that it is the header it refuses.
     */
    @ParameterizedTest
    @CsvSource({"mysql, v1", "mysql, v2", "sql, v1", "sql, v2"})
    void checksOfASendProxyServerSendTheHeaderToo(String type, String version) throws Exception {
        db.server().execute("SET GLOBAL proxy_protocol_networks = '10.9.9.0/24'");
        try (InProcessProxy proxy = proxy(
                "check { type = " + type + ", user = checkpw, password = \"s3cret\", inter = 200ms }",
                ", send-proxy = " + version)) {
            Server s = proxy.server("Primary");
            CheckResult refused = await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> proxy.health()
                                    .snapshot(s)
                                    .flatMap(c -> c.last())
                                    .orElse(null),
                            r -> r != null && r.status() != CheckStatus.INI);
            if (refused.status() == CheckStatus.L7STS) {
                assertThat(refused.code()).hasValue(1130);
                assertThat(refused.info()).contains("Proxy header is not accepted from 127.0.0.1");
            } else {
                // MariaDB sends its ERR and closes while the check's login is on its way: the reset that answers the
                // login can overtake the ERR (mysql: SOCKERR; sql: the driver's "connection lost", L7RSP). Either
                // way the check failed where, trusted, it passes (below).
                assertThat(refused.status())
                        .as(refused.describe())
                        .isEqualTo(type.equals("mysql") ? CheckStatus.SOCKERR : CheckStatus.L7RSP);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> s.state().op() == OpState.STOPPED);
        } finally {
            db.server().execute("SET GLOBAL proxy_protocol_networks = '" + TRUSTED + "'");
        }
        try (InProcessProxy proxy = proxy(
                "check { type = " + type + ", user = checkpw, password = \"s3cret\", inter = 200ms }",
                ", send-proxy = " + version)) {
            awaitCheck(proxy, CheckStatus.L7OK);
            assertThat(proxy.server("Primary").state().op()).isEqualTo(OpState.RUNNING);
        }
    }

    @Test
    void acceptProxyTakesTheClientFromTheHeaderAndPassesItOn() throws Exception {
        try (InProcessProxy proxy = proxy("accept-proxy = true", ", send-proxy = v2");
                Connection c =
                        Jdbc.connect(proxy.port(), "socketFactory=" + LoadBalancerSocketFactory.class.getName())) {
            String claimed = LoadBalancerSocketFactory.CLIENT + ":" + LoadBalancerSocketFactory.CLIENT_PORT;
            assertThat(hostSeenByMariaDb(c)).isEqualTo(claimed);
            // show sess and the session log read the same address.
            List<String> clients = proxy.engine().sessions().sessions().stream()
                    .map(ProxySession::clientAddress)
                    .map(a -> ((InetSocketAddress) a).getAddress().getHostAddress() + ":"
                            + ((InetSocketAddress) a).getPort())
                    .toList();
            assertThat(clients).containsExactly(claimed);
        }
    }

    /** client (127.0.0.2) -> HAProxy 2.6 (send-proxy-v2) -> Understudy (accept-proxy, send-proxy v1) -> MariaDB. */
    @Test
    void behindARealHaproxyTheClientSurvivesTwoHops(@TempDir Path dir) throws Exception {
        try (InProcessProxy proxy = proxy("accept-proxy = true", ", send-proxy = v1")) {
            int front = FreePorts.find();
            Path stats = Files.createDirectories(dir.resolve("h")).resolve("stats.sock");
            try (HaproxyProcess haproxy = HaproxyProcess.start(
                            dir.resolve("h"),
                            String.join(
                                    "\n",
                                    "global",
                                    "  stats socket " + stats + " level admin mode 600",
                                    "defaults",
                                    "  mode tcp",
                                    "  timeout connect 2s",
                                    "  timeout client 1m",
                                    "  timeout server 1m",
                                    "listen front",
                                    "  bind 127.0.0.1:" + front,
                                    "  server understudy 127.0.0.1:" + proxy.port() + " send-proxy-v2",
                                    ""),
                            List.of(stats));
                    Connection c = fromSecondLoopback(front)) {
                assertThat(hostSeenByMariaDb(c)).startsWith("127.0.0.2:");
            }
        }
    }

    /**
     * The header each proxy sends a server for a client from 127.0.0.2, read by a socket standing in for the server:
     * HAProxy 2.6 ({@code send-proxy} / {@code send-proxy-v2}) and Understudy ({@code send-proxy = v1 | v2}) write the
     * same bytes, but for the ports (the client's and the bind's), which are each proxy's own.
     */
    @ParameterizedTest
    @CsvSource({"v1, send-proxy", "v2, send-proxy-v2"})
    void theHeaderIsHaproxysByteForByte(String version, String haproxyKeyword, @TempDir Path dir) throws Exception {
        try (java.net.ServerSocket server =
                new java.net.ServerSocket(0, 10, java.net.InetAddress.getByName("127.0.0.1"))) {
            server.setSoTimeout(20_000);
            int front = FreePorts.find();
            Path stats = Files.createDirectories(dir.resolve("h")).resolve("stats.sock");
            Header fromHaproxy;
            try (HaproxyProcess haproxy = HaproxyProcess.start(
                    dir.resolve("h"),
                    String.join(
                            "\n",
                            "global",
                            "  stats socket " + stats + " level admin mode 600",
                            "defaults",
                            "  mode tcp",
                            "  timeout connect 2s",
                            "  timeout client 1m",
                            "  timeout server 1m",
                            "listen front",
                            "  bind 127.0.0.1:" + front,
                            "  server s 127.0.0.1:" + server.getLocalPort() + " " + haproxyKeyword,
                            ""),
                    List.of(stats))) {
                fromHaproxy = headerVia(server, front);
            }
            Header fromUnderstudy;
            try (InProcessProxy proxy = InProcessProxy.of(String.join(
                    "\n",
                    "listen.MySQL {",
                    "  bind = \"127.0.0.1:0\"",
                    "  servers = [ { name = s, address = \"127.0.0.1:" + server.getLocalPort() + "\", send-proxy = "
                            + version + " } ]",
                    "}"))) {
                fromUnderstudy = headerVia(server, proxy.port());
            }
            assertThat(fromUnderstudy.withPortsOf(fromHaproxy)).isEqualTo(fromHaproxy.text());
        }
    }

    /** What a server received first, and the two ports it should carry. */
    private record Header(String text, int clientPort, int bindPort) {
        /** This header with the other's ports in place of its own (v1: decimal text; v2: the last four bytes). */
        String withPortsOf(Header other) {
            if (text.startsWith("PROXY ")) {
                return text.replace(
                        " " + clientPort + " " + bindPort + "\r\n",
                        " " + other.clientPort + " " + other.bindPort + "\r\n");
            }
            String ports = new String(
                    new byte[] {
                        (byte) (other.clientPort >> 8),
                        (byte) other.clientPort,
                        (byte) (other.bindPort >> 8),
                        (byte) other.bindPort
                    },
                    StandardCharsets.ISO_8859_1);
            return text.substring(0, text.length() - 4) + ports;
        }
    }

    /** Connects from 127.0.0.2 to {@code port}, and reads the header {@code server} receives for that connection. */
    private static Header headerVia(java.net.ServerSocket server, int port) throws Exception {
        try (Socket client = new Socket()) {
            client.bind(new InetSocketAddress("127.0.0.2", 0));
            client.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            try (Socket accepted = server.accept()) {
                accepted.setSoTimeout(10_000);
                InputStream in = accepted.getInputStream();
                byte[] start = in.readNBytes(16);
                byte[] rest;
                if (new String(start, StandardCharsets.ISO_8859_1).startsWith("PROXY ")) {
                    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
                    line.write(start);
                    while (!line.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n")) {
                        line.write(in.read());
                    }
                    rest = java.util.Arrays.copyOfRange(line.toByteArray(), 16, line.size());
                } else {
                    rest = in.readNBytes(((start[14] & 0xff) << 8) | (start[15] & 0xff));
                }
                return new Header(
                        new String(start, StandardCharsets.ISO_8859_1) + new String(rest, StandardCharsets.ISO_8859_1),
                        client.getLocalPort(),
                        port);
            }
        }
    }

    @Test
    void badMissingAndTruncatedHeadersAreClosedAndCountedAndTheProxyCarriesOn() throws Exception {
        try (InProcessProxy proxy = proxy("accept-proxy = true\n  timeout { client = 2s }", "")) {
            int port = proxy.port();
            // Another protocol; a v1 header with a bad address; a v2 signature with a command that does not exist.
            assertClosedAfter(port, "GET / HTTP/1.1\r\nHost: db\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);
            assertClosedAfter(
                    port, "PROXY TCP4 10.1.2.300 127.0.0.1 1 2\r\n".getBytes(StandardCharsets.US_ASCII), false);
            assertClosedAfter(
                    port, "\r\n\r\n\0\r\nQUIT\n\u002f\u0011\0\0".getBytes(StandardCharsets.ISO_8859_1), false);
            // Half a header, then the client's FIN; half a header, then nothing until timeout client.
            assertClosedAfter(port, "PROXY TCP4 10.1.".getBytes(StandardCharsets.US_ASCII), true);
            assertClosedAfter(port, "PROXY TCP4 10.1.".getBytes(StandardCharsets.US_ASCII), false);
            // A connection that sends nothing and leaves (a load balancer's TCP check) is no error.
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            }
            var frontend = proxy.engine().frontends().get(0);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> frontend.counters().requestErrors() == 5);
            assertThat(proxy.engine().sessions().size()).isZero();
            assertThat(frontend.counters().totalSessions()).isZero();
            // And a client with a good header is served as ever.
            try (Connection c = Jdbc.connect(port, "socketFactory=" + LoadBalancerSocketFactory.class.getName())) {
                assertThat(Jdbc.serverId(c)).isEqualTo(db.server().serverId());
            }
            assertThat(frontend.counters().requestErrors()).isEqualTo(5);
        }
    }

    /** Sends {@code bytes} (then a FIN if asked) and expects the proxy to close the connection without a word. */
    private static void assertClosedAfter(int port, byte[] bytes, boolean fin) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            if (fin) {
                s.shutdownOutput();
            }
            InputStream in = s.getInputStream();
            int first;
            try {
                first = in.read();
            } catch (java.net.SocketException reset) {
                first = -1;
            }
            assertThat(first)
                    .as("what the proxy answered to %s", new String(bytes, StandardCharsets.ISO_8859_1))
                    .isEqualTo(-1);
        }
    }
}
