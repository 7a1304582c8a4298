package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.LeakDetectionExtension;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.MariaDbServer;
import io.understudy.testkit.Socat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime changes of servers with real clients on real MariaDB servers: {@code set server addr} moves new sessions
 * (and, on a writer-role backend, ends those left on the old server), {@code add server} takes traffic once enabled,
 * {@code del server} is refused while the server has a session, and the state file keeps what was decided.
 */
@Timeout(180)
@ExtendWith(LeakDetectionExtension.class)
class RuntimeServersIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup();

    @TempDir
    Path dir;

    private InProcessProxy start(Path admin, Path state) throws Exception {
        MariaDbServer one = db.primary();
        MariaDbServer two = db.servers().get(1);
        return InProcessProxy.of(Hocon.activeBackup(db.servers(), "")
                + "listen.Pool {\n  bind = \"127.0.0.1:0\"\n  balance = roundrobin\n  servers = [\n"
                + "    { name = A, address = \"127.0.0.1:" + one.port() + "\" }\n"
                + "    { name = B, address = \"127.0.0.1:" + two.port() + "\" }\n  ]\n}\n"
                + "admin.sockets = [ { path = \"" + admin + "\", level = admin } ]\n"
                + "global.state-file = \"" + state + "\"\n");
    }

    @Test
    void setServerAddrMovesNewSessionsOnceTheWritersOldOnesHaveEnded() throws Exception {
        Path admin = dir.resolve("admin.sock");
        MariaDbServer one = db.primary();
        MariaDbServer two = db.servers().get(1);
        try (InProcessProxy proxy = start(admin, dir.resolve("state"))) {
            int port = proxy.port();
            var primary = proxy.server("Primary");
            try (Connection before = Jdbc.connect(port)) {
                assertThat(Jdbc.serverId(before)).isEqualTo(one.serverId());
                // Writer role: while a session may still write on the old server, the address does not move.
                assertThat(Socat.command(admin, "set server MySQL/Primary addr 127.0.0.1 port " + two.port()))
                        .startsWith("MySQL/Primary still has 1 session(s) and its backend has the writer role");
                assertThat(primary.address().getPort()).isEqualTo(one.port());
                // Maintenance moves the writes to the backup and drains Primary's session (it is at rest).
                assertThat(Socat.command(admin, "disable server MySQL/Primary")).isEqualTo("\n");
                await().atMost(Duration.ofSeconds(10)).until(() -> primary.served() == 0);
                assertThatThrownBy(() -> Jdbc.serverId(before)).isInstanceOf(SQLException.class);
            }
            assertThat(Socat.command(admin, "set server MySQL/Primary addr 127.0.0.1 port " + two.port()))
                    .isEqualTo("no need to change the addr, port changed from '" + one.port() + "' to '" + two.port()
                            + "' by 'stats socket command'\n\n");
            assertThat(Socat.command(admin, "enable server MySQL/Primary")).isEqualTo("\n");
            assertThat(Jdbc.serverIdVia(port)).isEqualTo(two.serverId());
            assertThat(primary.counters().totalSessions()).isEqualTo(2);
            // The state file is rewritten shortly after each change (coalesced), not within the command.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stateFile())
                    .contains("server MySQL/Primary addr 127.0.0.1:" + two.port() + " set "));
        }
    }

    @Test
    void onAPoolTheOldSessionsStayAsInHaproxy() throws Exception {
        Path admin = dir.resolve("admin.sock");
        MariaDbServer one = db.primary();
        MariaDbServer two = db.servers().get(1);
        try (InProcessProxy proxy = start(admin, dir.resolve("state"))) {
            int pool = proxy.engine().boundAddress("Pool").orElseThrow().getPort();
            Socat.command(admin, "disable server Pool/B");
            try (Connection before = Jdbc.connect(pool)) {
                assertThat(Jdbc.serverId(before)).isEqualTo(one.serverId());
                assertThat(Socat.command(admin, "set server Pool/A addr 127.0.0.1 port " + two.port()))
                        .startsWith("no need to change the addr, port changed");
                assertThat(Jdbc.serverIdVia(pool)).isEqualTo(two.serverId());
                assertThat(Jdbc.serverId(before)).isEqualTo(one.serverId());
            }
        }
    }

    private String stateFile() throws java.io.IOException {
        Path f = dir.resolve("state");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    @Test
    void anAddedServerTakesTrafficOnceEnabledAndIsKeptAcrossARestart() throws Exception {
        Path admin = dir.resolve("admin.sock");
        Path state = dir.resolve("state");
        MariaDbServer two = db.servers().get(1);
        try (InProcessProxy proxy = start(admin, state)) {
            assertThat(Socat.command(admin, "add server MySQL/Third 127.0.0.1:" + two.port()))
                    .isEqualTo("New server registered.\n\n");
            // In maintenance until enabled: the primary keeps the traffic.
            assertThat(Jdbc.serverIdVia(proxy.port())).isEqualTo(db.primary().serverId());
            assertThat(Socat.command(admin, "disable server MySQL/Primary")).isEqualTo("\n");
            assertThat(Socat.command(admin, "enable server MySQL/Third")).isEqualTo("\n");
            assertThat(Jdbc.serverIdVia(proxy.port())).isEqualTo(two.serverId());
            assertThat(proxy.server("Third").counters().totalSessions()).isEqualTo(1);
        }
        assertThat(Files.readString(state))
                .contains("added-server MySQL/Third 127.0.0.1:" + two.port() + " weight 1 id 3 set ")
                .contains("server MySQL/Primary maint set ");
        // A restart keeps the server and the decisions: the traffic is still on Third.
        try (InProcessProxy proxy = start(admin, state)) {
            assertThat(Jdbc.serverIdVia(proxy.port())).isEqualTo(two.serverId());
            assertThat(proxy.server("Third").counters().totalSessions()).isEqualTo(1);
        }
    }

    @Test
    void delServerIsRefusedWhileTheServerHasASession() throws Exception {
        Path admin = dir.resolve("admin.sock");
        MariaDbServer two = db.servers().get(1);
        try (InProcessProxy proxy = start(admin, dir.resolve("state"))) {
            int pool = proxy.engine().boundAddress("Pool").orElseThrow().getPort();
            Socat.command(admin, "add server Pool/C 127.0.0.1:" + two.port());
            Socat.command(admin, "disable server Pool/A");
            Socat.command(admin, "disable server Pool/B");
            Socat.command(admin, "enable server Pool/C");
            var c = proxy.engine().backends().get(1).server("C").orElseThrow();
            try (Connection held = Jdbc.connect(pool)) {
                assertThat(Jdbc.serverId(held)).isEqualTo(two.serverId());
                assertThat(Socat.command(admin, "del server Pool/C"))
                        .isEqualTo("Only servers in maintenance mode can be deleted.\n");
                // Not a writer: maintenance leaves the session alone, as in HAProxy.
                assertThat(Socat.command(admin, "disable server Pool/C")).isEqualTo("\n");
                assertThat(Socat.command(admin, "del server Pool/C"))
                        .isEqualTo("Server still has connections attached to it, cannot remove it.\n");
                assertThat(Jdbc.serverId(held)).isEqualTo(two.serverId());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> c.served() == 0);
            assertThat(Socat.command(admin, "del server Pool/C")).isEqualTo("Server deleted.\n");
            assertThat(proxy.engine().backends().get(1).server("C")).isEmpty();
            assertThat(Socat.command(admin, "show stat")).doesNotContain("Pool,C,");
        }
    }
}
