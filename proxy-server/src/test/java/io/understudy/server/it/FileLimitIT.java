package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.FreePorts;
import io.understudy.testkit.MariaDbExtension;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy under a low file-descriptor limit with more clients than it allows: running out of descriptors is this
 * proxy's problem and must never count against a server. Before the descriptor budget, 500 held connections under
 * {@code ulimit -n 256} made connects and checks fail with EMFILE: Primary marked DOWN ("Socket error"), sessions
 * sent to the backup while Primary was healthy, {@code /health} 503.
 */
@Timeout(180)
class FileLimitIT {
    private static final int NOFILE = 256;
    private static final int CLIENTS = 500;

    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup(b -> b.option("max_connections", 1500));

    @TempDir
    Path dir;

    @Test
    void moreClientsThanDescriptorsPauseAcceptingAndFailNoServer() throws Exception {
        Path sock = dir.resolve("admin.sock");
        int metricsPort = FreePorts.find();
        Path conf = dir.resolve("understudy.conf");
        Files.writeString(
                conf,
                "admin.sockets = [ { path = \"" + sock + "\", level = admin } ]\n"
                        + "metrics { bind = \"127.0.0.1:" + metricsPort + "\" }\n"
                        + Hocon.activeBackup(
                                db.servers(),
                                "check { type = mysql, user = haproxy, inter = 300ms, fall = 2, rise = 2 }"));
        try (ProxyProcess proxy = ProxyProcess.startWithFileLimit(NOFILE, dir, "-c", conf.toString())) {
            int port = proxy.awaitListening("MySQL");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> status(sock, "Primary").equals("UP"));
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    Socket s = new Socket();
                    // The kernel completes the handshake from the backlog even while the proxy does not accept.
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    clients.add(s);
                }
                // Several check rounds (inter 300 ms) with the budget spent: the servers' health is untouched.
                await().during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> status(sock, "Primary").equals("UP")
                                && status(sock, "Secondary").equals("UP")
                                && health(metricsPort) == 200);
                String stat = AdminAbuseIT.send(sock, "show stat\n".getBytes(StandardCharsets.UTF_8));
                // Cumulative counters, so that a DOWN and back UP in the meantime is seen too.
                assertThat(field(stat, "Primary", 22))
                        .as("UP to DOWN transitions of Primary (chkdown)")
                        .isEqualTo("0");
                assertThat(field(stat, "Secondary", 22))
                        .as("UP to DOWN transitions of Secondary")
                        .isEqualTo("0");
                assertThat(proxy.log()).doesNotContain("Too many open files");
                assertThat(proxy.log()).contains("fill the file-descriptor budget");
                assertThat(field(stat, "Secondary", 7))
                        .as("sessions ever sent to the backup (stot)")
                        .isEqualTo("0");
                assertThat(Long.parseLong(field(stat, "Primary", 4)))
                        .as("sessions on Primary (scur)")
                        .isPositive();
                assertThat(proxy.openFds()).isLessThan(NOFILE);
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            // Load gone: accepting resumes and a real client gets through to Primary.
            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.log().contains("accepting resumed"));
            try (Connection c = Jdbc.connect(port)) {
                assertThat(Jdbc.serverId(c)).isEqualTo(db.primary().serverId());
            }
            String log = proxy.log();
            assertThat(log)
                    .doesNotContain("Too many open files")
                    .doesNotContain("Unable to create Channel")
                    .doesNotContain("check not run")
                    .doesNotContain("is DOWN");
            assertThat(log.split("fill the file-descriptor budget", -1).length - 1)
                    .as("the pause is logged once per episode, not per connection")
                    .isLessThanOrEqualTo(3);
        }
    }

    private static String status(Path sock, String server) throws Exception {
        return field(AdminAbuseIT.send(sock, "show stat\n".getBytes(StandardCharsets.UTF_8)), server, 17);
    }

    /** Field {@code index} of {@code server}'s row in a {@code show stat} answer. */
    static String field(String stat, String server, int index) {
        for (String line : stat.split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > index && f[0].equals("MySQL") && f[1].equals(server)) {
                return f[index];
            }
        }
        throw new AssertionError("no row for " + server + " in:\n" + stat);
    }

    private static int health(int port) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
