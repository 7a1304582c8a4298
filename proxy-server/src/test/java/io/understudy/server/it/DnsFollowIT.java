package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.FreePorts;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.MariaDbServer;
import io.understudy.testkit.Socat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers that follow their host name ({@code global.resolve-interval}), in the packaged proxy with a resolver the test
 * controls: the JDK's {@code -Djdk.net.hosts.file}, which the test rewrites. Two real MariaDB servers stand at
 * 127.0.0.2 and 127.0.0.3 on one port (socat relays in front of the fixture's 127.0.0.1 ports, since a name gives an
 * IP, not a port), so pointing the name elsewhere moves the server to the other MariaDB.
 */
@Timeout(180)
class DnsFollowIT {
    private static final Duration INTERVAL = Duration.ofMillis(300);
    /** The interval plus the time a connect and a commit take on a busy 2-core machine. */
    private static final Duration WITHIN = INTERVAL.plusSeconds(10);

    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup();

    @TempDir
    Path dir;

    private final List<Process> relays = new ArrayList<>();
    private int port;
    private Path hosts;
    private Path admin;

    @BeforeEach
    void relays() throws IOException {
        port = FreePorts.find();
        relay("127.0.0.2", db.primary());
        relay("127.0.0.3", db.secondary());
        hosts = dir.resolve("hosts");
        admin = dir.resolve("admin.sock");
    }

    @AfterEach
    void stopRelays() {
        for (Process p : relays) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A relay from {@code ip:port} to {@code server}, ready when this returns. */
    private void relay(String ip, MariaDbServer server) throws IOException {
        Process p = new ProcessBuilder(
                        "socat",
                        "TCP-LISTEN:" + port + ",bind=" + ip + ",reuseaddr,fork",
                        "TCP:" + MariaDbServer.HOST + ":" + server.port())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("socat-" + ip + ".log").toFile())
                .start();
        relays.add(p);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, port), 1000);
                return true;
            }
        });
    }

    private void hostsFile(String content) {
        try {
            // Written whole then moved, so that the proxy never reads half a file.
            Path tmp = dir.resolve("hosts.tmp");
            Files.writeString(tmp, content);
            Files.move(tmp, hosts, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProxyProcess start(String listens) throws IOException {
        Path file = dir.resolve("understudy.conf");
        Files.writeString(
                file,
                "global { hard-stop-after = 5s, resolve-interval = " + INTERVAL.toMillis() + "ms }\n" + listens
                        + "admin.sockets = [ { path = \"" + admin + "\", level = admin } ]\n");
        return ProxyProcess.startWithJvmOptions(List.of("-Djdk.net.hosts.file=" + hosts), dir, "-c", file.toString());
    }

    private String listen(String name, String balance, String host, String extra) {
        return "listen." + name + " { bind = \"127.0.0.1:0\", balance = " + balance + ", servers = [ { name = db,"
                + " address = \"" + host + ":" + port + "\"" + extra + " } ] }\n";
    }

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }

    @Test
    void newSessionsFollowTheNameAndAWriterMovesOnlyOnceItsSessionsHaveEnded() throws Exception {
        long one = db.primary().serverId();
        long two = db.secondary().serverId();
        hostsFile("127.0.0.2 db.test\n127.0.0.2 pool.test\n");
        try (ProxyProcess proxy =
                start(listen("MySQL", "first", "db.test", "") + listen("Pool", "roundrobin", "pool.test", ""))) {
            int writer = proxy.awaitListening("MySQL");
            int pool = proxy.awaitListening("Pool");
            assertThat(Jdbc.serverIdVia(writer)).isEqualTo(one);
            assertThat(Jdbc.serverIdVia(pool)).isEqualTo(one);
            try (Connection held = Jdbc.connect(writer);
                    Connection pooled = Jdbc.connect(pool)) {
                hostsFile("127.0.0.3 db.test\n127.0.0.3 pool.test\n");

                // A pool: new sessions go to the new address within the interval; the one open stays where it was.
                await().atMost(WITHIN).until(() -> Jdbc.serverIdVia(pool) == two);
                await().atMost(WITHIN).until(() -> proxy.log()
                        .contains("Pool/db changed its IP from 127.0.0.2 to 127.0.0.3 by DNS cache."));
                assertThat(Jdbc.serverId(pooled)).isEqualTo(one);

                // A writer with a session: no move (the writes of a backend land on one server at a time), said once.
                String refused = "MySQL/db: db.test now resolves to 127.0.0.3, but the move is refused: MySQL/db"
                        + " still has 1 session(s)";
                await().atMost(WITHIN).until(() -> proxy.log().contains(refused));
                await().during(Duration.ofMillis(INTERVAL.toMillis() * 4))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> Jdbc.serverIdVia(writer) == one && count(proxy.log(), refused) == 1);
                assertThat(Jdbc.serverId(held)).isEqualTo(one);
            }
            // Its session ended: the writer moves at the next round.
            await().atMost(WITHIN).until(() -> Jdbc.serverIdVia(writer) == two);
            await().atMost(WITHIN).until(() -> proxy.log()
                    .contains("MySQL/db changed its IP from 127.0.0.2 to 127.0.0.3 by DNS cache."));
            assertThat(Socat.command(admin, "show servers state MySQL"))
                    .contains(" db 127.0.0.3 ")
                    .contains(" db.test " + port + " ");
            assertThat(Socat.command(admin, "show stat")).contains("MySQL,db,").contains(",127.0.0.3:" + port + ",");
            assertThat(Socat.command(admin, "show events")).containsPattern(" dns MySQL/db .*127\\.0\\.0\\.3:" + port);

            // An operator's address wins: DNS no longer moves the server.
            assertThat(Socat.command(admin, "set server Pool/db addr 127.0.0.2"))
                    .isNotBlank();
            await().atMost(WITHIN).until(() -> Jdbc.serverIdVia(pool) == one);
            await().atMost(WITHIN).until(() -> proxy.log()
                    .contains("Pool/db: not following pool.test in DNS: an operator set its" + " address to 127.0.0.2:"
                            + port));
            assertThat(Jdbc.serverIdVia(pool)).isEqualTo(one);
        }
    }

    @Test
    void aNameWithoutAnAddressAtStartWaitsInMaintResolutionUntilItResolves() throws Exception {
        long two = db.secondary().serverId();
        hostsFile("127.0.0.2 other.test\n");
        try (ProxyProcess proxy = start(listen("Late", "roundrobin", "late.test", ", init-addr = \"libc,none\""))) {
            int late = proxy.awaitListening("Late");
            await().atMost(WITHIN).until(() -> proxy.log().contains("late.test does not resolve"));
            assertThat(Socat.command(admin, "show stat")).contains("Late,db,").contains("MAINT (resolution)");
            // srv_addr "-", srv_admin_state 32 (RMAINT), as HAProxy shows a server without an address.
            assertThat(Socat.command(admin, "show servers state Late")).containsPattern(" db - \\d+ 32 ");

            hostsFile("127.0.0.2 other.test\n127.0.0.3 late.test\n");
            await().atMost(WITHIN).ignoreExceptions().until(() -> Jdbc.serverIdVia(late) == two);
            await().atMost(WITHIN)
                    .until(() -> proxy.log().contains("Late/db changed its IP from (none) to 127.0.0.3 by DNS cache."));
            assertThat(Socat.command(admin, "show stat")).doesNotContain("MAINT");
        }
    }
}
