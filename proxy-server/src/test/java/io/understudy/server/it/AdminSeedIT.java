package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.LeakDetectionExtension;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.Socat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed walkthrough as an operator types it: real MariaDB, mysql-check, the real socat and cut on the admin
 * socket; then admin state surviving a restart of the proxy.
 */
@Timeout(180)
@ExtendWith(LeakDetectionExtension.class)
class AdminSeedIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup();

    @TempDir
    Path dir;

    String config(Path sock, Path state) {
        return "global.state-file = \"" + state + "\"\n"
                + Hocon.activeBackup(db.servers(), "check { type = mysql, user = haproxy }")
                + "admin.sockets = [ { path = \"" + sock + "\", mode = \"600\", level = admin } ]\n";
    }

    /** {@code echo "show stat" | socat stdio SOCK | cut -d, -f1,2,18,20,21}, through a real shell. */
    static String cut(Path sock) throws Exception {
        Process p = new ProcessBuilder(
                        "bash", "-c", "echo \"show stat\" | socat stdio " + sock + " | cut -d, -f1,2,18,20,21")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    static String table(String... lines) {
        return String.join("\n", lines) + "\n\n";
    }

    @Test
    void theSeedWalkthrough() throws Exception {
        Path sock = dir.resolve("admin.sock");
        try (InProcessProxy proxy = InProcessProxy.of(config(sock, dir.resolve("state")))) {
            String allUp = table(
                    "# pxname,svname,status,act,bck",
                    "MySQL,FRONTEND,OPEN,,",
                    "MySQL,Primary,UP,1,0",
                    "MySQL,Secondary,UP,0,1",
                    "MySQL,BACKEND,UP,1,1");
            await().atMost(Duration.ofSeconds(15)).until(() -> cut(sock).equals(allUp));

            db.primary().stop();
            await().atMost(Duration.ofSeconds(15)).until(() -> cut(sock)
                    .equals(table(
                            "# pxname,svname,status,act,bck",
                            "MySQL,FRONTEND,OPEN,,",
                            "MySQL,Primary,DOWN,1,0",
                            "MySQL,Secondary,UP,0,1",
                            "MySQL,BACKEND,UP,0,1")));
            assertThat(Jdbc.serverIdVia(proxy.port())).isEqualTo(db.backup().serverId());

            db.primary().restart();
            await().atMost(Duration.ofSeconds(15)).until(() -> cut(sock).equals(allUp));
            assertThat(Jdbc.serverIdVia(proxy.port())).isEqualTo(db.primary().serverId());

            assertThat(Socat.command(sock, "disable server MySQL/Primary")).isEqualTo("\n");
            assertThat(cut(sock)).contains("MySQL,Primary,MAINT,1,0");
            assertThat(Jdbc.serverIdVia(proxy.port())).isEqualTo(db.backup().serverId());
            assertThat(Socat.command(sock, "enable server MySQL/Primary")).isEqualTo("\n");
            await().atMost(Duration.ofSeconds(15)).until(() -> cut(sock).equals(allUp));
        }
    }

    @Test
    void maintenanceSurvivesARestartAndACorruptStateFileFallsBackToTheConfig() throws Exception {
        Path sock = dir.resolve("admin.sock");
        Path state = dir.resolve("state");
        try (InProcessProxy proxy = InProcessProxy.of(config(sock, state))) {
            assertThat(Socat.command(sock, "disable server MySQL/Primary")).isEqualTo("\n");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(state) && Files.readString(state).contains("MySQL/Primary maint"));
        }
        try (InProcessProxy proxy = InProcessProxy.of(config(sock, state))) {
            // Restarted: still in maintenance, so traffic goes to the backup.
            assertThat(cut(sock)).contains("MySQL,Primary,MAINT,1,0");
            assertThat(Jdbc.serverIdVia(proxy.port())).isEqualTo(db.backup().serverId());
        }
        Files.writeString(state, "this is not a state file\n");
        try (InProcessProxy proxy = InProcessProxy.of(config(sock, state))) {
            // Corrupt: the config's state (Primary in service), the file set aside for the operator.
            await().atMost(Duration.ofSeconds(15)).until(() -> cut(sock).contains("MySQL,Primary,UP,1,0"));
            try (var listing = Files.list(dir)) {
                assertThat(listing.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("state.corrupt-"));
            }
        }
    }
}
