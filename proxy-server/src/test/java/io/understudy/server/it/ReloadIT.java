package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * A reload in place in a real process, under a storm of new connections from real clients: SIGHUP and the admin
 * socket's {@code reload} apply a changed file (a server added, one removed, a timeout changed), refuse a bad one whole,
 * refuse what only a restart can change, and not one connection is refused meanwhile. A session on the removed server
 * goes on until its client ends it; then the server is gone.
 */
@Timeout(240)
class ReloadIT {
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

    /** The file: MySQL (Primary + Secondary backup, maybe Third), Pool (A and, when {@code withB}, B). */
    private String config(Path admin, String serverTimeout, boolean withThird, boolean withB) {
        MariaDbServer one = db.primary();
        MariaDbServer two = db.servers().get(1);
        return "global.hard-stop-after = 20s\n"
                + "listen.MySQL {\n  bind = \"127.0.0.1:0\"\n  timeout.server = " + serverTimeout + "\n  servers = [\n"
                + "    { name = Primary, address = \"127.0.0.1:" + one.port() + "\" }\n"
                + "    { name = Secondary, address = \"127.0.0.1:" + two.port() + "\", backup = true }\n"
                + (withThird ? "    { name = Third, address = \"127.0.0.1:" + two.port() + "\", backup = true }\n" : "")
                + "  ]\n}\n"
                + "listen.Pool {\n  bind = \"127.0.0.1:0\"\n  balance = roundrobin\n  servers = [\n"
                + "    { name = A, address = \"127.0.0.1:" + one.port() + "\" }\n"
                + (withB ? "    { name = B, address = \"127.0.0.1:" + two.port() + "\" }\n" : "")
                + "  ]\n}\n"
                + "admin.sockets = [ { path = \"" + admin + "\", level = admin } ]\n";
    }

    /** {@code proxy,server} of every line of {@code show stat}. */
    private static List<String> servers(String stat) {
        return stat.lines()
                .filter(l -> !l.startsWith("#") && !l.isEmpty())
                .map(l -> l.split(",", 3)[0] + "," + l.split(",", 3)[1])
                .toList();
    }

    @Test
    void reloadsInPlaceUnderAConnectionStormWithoutRefusingOne() throws Exception {
        Path admin = dir.resolve("admin.sock");
        Path file = dir.resolve("understudy.conf");
        Files.writeString(file, config(admin, "1m", false, true));
        try (ProxyProcess proxy = ProxyProcess.start(dir, "-c", file.toString())) {
            int port = proxy.awaitListening("MySQL");
            int pool = proxy.awaitListening("Pool");
            ClientLoad storm = new ClientLoad(port, 8);
            ClientLoad poolStorm = new ClientLoad(pool, 4);
            // When each applied reload ran (from the signal or command to its outcome).
            List<long[]> reloads = new java.util.ArrayList<>();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> storm.ok() > 50 && poolStorm.ok() > 20);

                // 1. SIGHUP: a server added and a timeout changed.
                Files.writeString(file, config(admin, "2m", true, true));
                long hupAt = System.nanoTime();
                proxy.signal("HUP");
                await().atMost(Duration.ofSeconds(20)).until(() -> proxy.log().contains("Reload applied"));
                reloads.add(new long[] {hupAt, System.nanoTime()});
                assertThat(proxy.log()).contains("MySQL/Third added at 127.0.0.1:");
                assertThat(Socat.command(admin, "show events")).contains("timeout.server 1m -> 2m");
                assertThat(Socat.command(admin, "show stat")).contains("MySQL,Third,");

                // 2. A session held on Pool/B, then a reload that removes B: the session goes on, B leaves after it.
                Socat.command(admin, "disable server Pool/A");
                try (Connection held = Jdbc.connect(pool)) {
                    assertThat(Jdbc.serverId(held))
                            .isEqualTo(db.servers().get(1).serverId());
                    Socat.command(admin, "enable server Pool/A");
                    Files.writeString(file, config(admin, "2m", true, false));
                    long at = System.nanoTime();
                    String reply = Socat.command(admin, "reload");
                    reloads.add(new long[] {at, System.nanoTime()});
                    System.out.print("ReloadIT reply:\n" + reply);
                    assertThat(reply)
                            .startsWith("Reload applied")
                            .contains("Pool/B")
                            .contains("removed from the config by reload");
                    // Still there, in maintenance, and the client's session works.
                    assertThat(Socat.command(admin, "show stat")).contains("Pool,B,");
                    assertThat(Jdbc.serverId(held))
                            .isEqualTo(db.servers().get(1).serverId());
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !Socat.command(admin, "show stat").contains("Pool,B,"));
                assertThat(Socat.command(admin, "show events")).contains("its sessions have ended");

                // 3. A bad file: refused whole, with the reason; nothing changes.
                Files.writeString(
                        file, config(admin, "2m", true, false).replace("timeout.server = 2m", "timeout.server = soon"));
                List<String> servers = servers(Socat.command(admin, "show stat"));
                assertThat(Socat.command(admin, "reload"))
                        .startsWith("Reload refused, nothing changed")
                        .contains("timeout.server");
                assertThat(servers(Socat.command(admin, "show stat"))).isEqualTo(servers);

                // 4. What only a restart changes: refused whole too, naming it.
                Files.writeString(
                        file, config(admin, "3m", true, false).replace("balance = roundrobin", "balance = leastconn"));
                assertThat(Socat.command(admin, "reload"))
                        .startsWith("Reload refused, nothing changed")
                        .contains("listen.Pool.balance (roundrobin -> leastconn)");
                assertThat(Socat.command(admin, "show events")).doesNotContain("timeout.server 2m -> 3m");
                assertThat(Socat.command(admin, "show stat")).contains("MySQL,Third,");

                // 5. SIGUSR2 (what Debian's HAProxy unit sends on reload) reloads too, and never crashes the JVM.
                Files.writeString(file, config(admin, "3m", true, false));
                long usr2At = System.nanoTime();
                proxy.signal("USR2");
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> Socat.command(admin, "show events").contains("timeout.server 2m -> 3m"));
                reloads.add(new long[] {usr2At, System.nanoTime()});
                assertThat(proxy.isAlive()).isTrue();
            } finally {
                storm.close();
                poolStorm.close();
            }
            List<ClientLoad.Attempt> failed =
                    storm.attempts().stream().filter(ClientLoad.Attempt::failed).toList();
            failed = new java.util.ArrayList<>(failed);
            failed.addAll(poolStorm.attempts().stream()
                    .filter(ClientLoad.Attempt::failed)
                    .toList());
            int attempts = storm.attempts().size() + poolStorm.attempts().size();
            System.out.printf(
                    "ReloadIT: 5 reloads (2 applied by signal, 1 by the admin socket, 2 refused) during %d new"
                            + " connections, %d failed%n",
                    attempts, failed.size());
            assertThat(failed)
                    .as("connections refused or failed during the reloads")
                    .isEmpty();
            assertThat(attempts).isGreaterThan(100);
            // Not vacuous: new connections were being made while each reload was applied.
            for (long[] r : reloads) {
                assertThat(storm.attempts().stream().filter(a -> a.overlaps(r[0], r[1])))
                        .as("connection attempts during a reload")
                        .isNotEmpty();
            }
            assertThat(reloads).hasSize(3);
            assertThat(storm.sessionsCut()).isZero();
            // Pool/B's sessions were not cut either: a removed server's sessions end by themselves.
            assertThat(poolStorm.sessionsCut()).isZero();
        }
    }
}
