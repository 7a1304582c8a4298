package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.FreePorts;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.MariaDbServer;
import io.understudy.testkit.Socat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade across two processes under a storm of new connections from real clients: the new process ({@code -x},
 * HAProxy's habit) takes the listening sockets over from the old one, which stops accepting and lets its sessions
 * finish. Not one connection is refused or reset, and a session opened on the old process goes on there until its
 * client ends it.
 */
@Timeout(240)
class UpgradeIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup();

    @TempDir
    Path dir;

    @BeforeAll
    static void table() {
        db.primary()
                .execute("CREATE TABLE IF NOT EXISTS test.load_t (id INT AUTO_INCREMENT PRIMARY KEY, server_id INT)");
        db.awaitReplication();
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Test
    void theNewProcessTakesTheSocketsOverWithoutRefusingAConnection() throws Exception {
        MariaDbServer one = db.primary();
        MariaDbServer two = db.servers().get(1);
        int port = FreePorts.find();
        int metrics = FreePorts.find();
        Path admin = dir.resolve("admin.sock");
        Path file = dir.resolve("understudy.conf");
        Files.writeString(
                file,
                "global { hard-stop-after = 60s, state-file = \"" + dir.resolve("state") + "\" }\n"
                        + "listen.MySQL {\n  bind = \"127.0.0.1:" + port + "\"\n  servers = [\n"
                        + "    { name = Primary, address = \"127.0.0.1:" + one.port() + "\" }\n"
                        + "    { name = Secondary, address = \"127.0.0.1:" + two.port() + "\", backup = true }\n"
                        + "  ]\n}\n"
                        + "metrics { bind = \"127.0.0.1:" + metrics + "\" }\n"
                        + "admin.sockets = [ { path = \"" + admin + "\", level = admin, expose-fd = listeners } ]\n");
        try (ProxyProcess old = ProxyProcess.start(dir, "-c", file.toString())) {
            assertThat(old.awaitListening("MySQL")).isEqualTo(port);
            // An operator's decision, kept across the upgrade through the state file.
            assertThat(Socat.command(admin, "set server MySQL/Secondary weight 7"))
                    .isEqualTo("\n");
            ClientLoad storm = new ClientLoad(port, 8);
            Connection held = Jdbc.connect(port);
            long upgradedAfter;
            try (ProxyProcess next = ProxyProcess.start(dir, "-c", file.toString(), "-x", admin.toString())) {
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> storm.ok() > 50);
                    // The new version, as an operator starts it: same file, the old one's admin socket.
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> next.log().contains("took over the listening socket on"));
                    upgradedAfter = storm.attempts().size();
                    long atTakeover = storm.ok();
                    // The old process was told to stop; it still serves the session it has.
                    assertThat(Jdbc.serverId(held)).isEqualTo(one.serverId());
                    assertThat(old.isAlive()).isTrue();
                    // The admin socket is the new process's now, with the decision the old one made.
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> Socat.command(admin, "show info").contains("Pid: " + next.pid()));
                    assertThat(Socat.command(admin, "get weight MySQL/Secondary"))
                            .startsWith("7 ");
                    // New connections are the new process's.
                    await().atMost(Duration.ofSeconds(30)).until(() -> storm.ok() > atTakeover + 200);
                    assertThat(Socat.command(admin, "show stat")).contains("MySQL,FRONTEND,");
                    assertThat(next.log()).contains("took over the listening socket on /127.0.0.1:" + port);
                } finally {
                    storm.close();
                    System.out.println("UpgradeIT new process log:\n" + next.log() + "\nold process log (tail):\n"
                            + tail(old.log()));
                }
                // Its session ended by its client, the old process exits (as on SIGTERM).
                held.close();
                assertThat(old.awaitExit(Duration.ofSeconds(30))).isEqualTo(143);
                assertThat(old.log()).contains("handed over to a new process");
                // The metrics endpoint moved too.
                assertThat(new String(
                                new java.net.URL("http://127.0.0.1:" + metrics + "/health")
                                        .openStream()
                                        .readAllBytes(),
                                java.nio.charset.StandardCharsets.UTF_8))
                        .isNotEmpty();
                assertThat(next.isAlive()).isTrue();
            }
            List<ClientLoad.Attempt> failed =
                    storm.attempts().stream().filter(ClientLoad.Attempt::failed).toList();
            System.out.printf(
                    "UpgradeIT: %d new connections, %d of them after the new process listened, %d failed, %d sessions"
                            + " cut%n",
                    storm.attempts().size(),
                    storm.attempts().size() - upgradedAfter,
                    failed.size(),
                    storm.sessionsCut());
            assertThat(failed)
                    .as("connections refused or reset across the upgrade")
                    .isEmpty();
            assertThat(storm.sessionsCut())
                    .as("sessions cut across the upgrade")
                    .isZero();
            assertThat(storm.attempts().size() - upgradedAfter).isGreaterThan(100);
        }
    }

    /**
     * The old process failed over to the backup and its primary is back but still in its {@code failback-delay}: the
     * new process, which would choose the primary, writes to the backup too for as long as the old one has sessions,
     * and moves to the primary only once the old one has exited.
     */
    @Test
    void theWritesStayWhereTheOldProcessWritesUntilItExits() throws Exception {
        MariaDbServer one = db.primary();
        MariaDbServer two = db.servers().get(1);
        int port = FreePorts.find();
        Path admin = dir.resolve("admin.sock");
        Path file = dir.resolve("understudy.conf");
        Files.writeString(
                file,
                "global.hard-stop-after = 60s\n"
                        + "listen.MySQL {\n  bind = \"127.0.0.1:" + port + "\"\n  failback-delay = 120s\n"
                        + "  check { type = mysql, user = haproxy }\n  servers = [\n"
                        + "    { name = Primary, address = \"127.0.0.1:" + one.port() + "\" }\n"
                        + "    { name = Secondary, address = \"127.0.0.1:" + two.port() + "\", backup = true }\n"
                        + "  ]\n}\n"
                        + "admin.sockets = [ { path = \"" + admin + "\", level = admin, expose-fd = listeners } ]\n");
        try (ProxyProcess old = ProxyProcess.start(dir, "-c", file.toString())) {
            old.awaitListening("MySQL");
            // The old process fails over (a forced health, not a decision kept anywhere), then the primary's checks
            // bring it back, inside its failback-delay: the writes stay on Secondary there.
            Socat.command(admin, "set server MySQL/Primary health down");
            await().atMost(Duration.ofSeconds(20)).until(() -> Socat.command(admin, "show servers state MySQL")
                    .contains(" Primary 127.0.0.1 2 "));
            assertThat(Jdbc.serverIdVia(port)).isEqualTo(two.serverId());
            ClientLoad storm = new ClientLoad(port, 6);
            Connection held = Jdbc.connect(port);
            assertThat(Jdbc.serverId(held)).isEqualTo(two.serverId());
            try (ProxyProcess next = ProxyProcess.start(dir, "-c", file.toString(), "-x", admin.toString())) {
                try {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> next.log().contains("took over the listening socket on"));
                    assertThat(next.log()).contains("pin none -> Secondary (takeover: where pid " + old.pid());
                    long atTakeover = storm.ok();
                    await().atMost(Duration.ofSeconds(30)).until(() -> storm.ok() > atTakeover + 150);
                    // Both processes alive, and every write on Secondary.
                    assertThat(old.isAlive()).isTrue();
                    assertThat(storm.servedBy(one.serverId()))
                            .as("writes on Primary while the old process writes to Secondary")
                            .isZero();
                    held.close();
                    assertThat(old.awaitExit(Duration.ofSeconds(30))).isEqualTo(143);
                    // The old process gone, the pin goes and the normal order applies: back to Primary.
                    await().atMost(Duration.ofSeconds(30)).until(() -> storm.servedBy(one.serverId()) > 0);
                } finally {
                    storm.close();
                    System.out.println("UpgradeIT (failed over) new process log:\n" + next.log());
                }
            }
            assertThat(storm.attempts().stream().filter(ClientLoad.Attempt::failed))
                    .isEmpty();
        }
    }
}
