package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.MariaDbExtension;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The packaged proxy as its own process: load, memory, sockets, signals. */
@Timeout(300)
class ProcessIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup(b -> b.option("max_connections", 1500));

    @TempDir
    Path dir;

    private Path conf(String extra) throws Exception {
        Path f = dir.resolve("understudy.conf");
        Files.writeString(f, Hocon.activeBackup(db.servers(), extra));
        return f;
    }

    @Test
    void aThousandConcurrentClientsAllSucceedAndNothingLeaks() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(dir, "-c", conf("").toString())) {
            int port = proxy.awaitListening("MySQL");
            long socketsBefore = proxy.sockets();
            long rssIdle = proxy.rssKib();
            List<Connection> open = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(32);
            try {
                List<Future<Connection>> futures = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    futures.add(pool.submit(() -> {
                        Connection c = Jdbc.connect(port);
                        if (Jdbc.serverId(c) != db.primary().serverId()) {
                            throw new IllegalStateException("wrong server");
                        }
                        return c;
                    }));
                }
                for (Future<Connection> f : futures) {
                    open.add(f.get());
                }
                assertThat(open).hasSize(1000);
                long rssLoaded = proxy.rssKib();
                // 1000 client sockets + 1000 server sockets, all open at once.
                assertThat(proxy.sockets() - socketsBefore).isGreaterThanOrEqualTo(2000);
                // Every one of them still answers.
                List<Future<Long>> ids = new ArrayList<>();
                for (Connection c : open) {
                    ids.add(pool.submit(() -> Jdbc.serverId(c)));
                }
                for (Future<Long> id : ids) {
                    assertThat(id.get()).isEqualTo(db.primary().serverId());
                }
                System.out.printf(
                        "1000 concurrent clients: proxy RSS %d KiB idle, %d KiB with 1000 sessions open%n",
                        rssIdle, rssLoaded);
                Files.writeString(
                        Path.of("target", "rss-1000-sessions.txt"),
                        "idle_kib=" + rssIdle + "\nloaded_kib=" + rssLoaded + "\n");
            } finally {
                for (Connection c : open) {
                    c.close();
                }
                pool.shutdownNow();
            }
            // Every socket the sessions used is closed again.
            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.sockets() <= socketsBefore);
            assertThat(proxy.log()).doesNotContain("LEAK:").doesNotContain("ERROR");
        }
    }

    @Test
    void sigtermStopsAcceptingLetsOpenSessionsFinishThenExits() throws Exception {
        try (ProxyProcess proxy =
                ProxyProcess.start(dir, "-c", conf("").toString().replace("understudy.conf", "understudy.conf"))) {
            int port = proxy.awaitListening("MySQL");
            try (Connection session = Jdbc.connect(port)) {
                proxy.signal("TERM");
                await().atMost(Duration.ofSeconds(10)).until(() -> !canConnect(port));
                // The established session keeps working during the grace period.
                assertThat(Jdbc.serverId(session)).isEqualTo(db.primary().serverId());
                assertThat(proxy.isAlive()).isTrue();
            }
            assertThat(proxy.awaitExit(Duration.ofSeconds(20))).isEqualTo(143);
            assertThat(proxy.log()).contains("stopped listening").contains("stopped");
        }
    }

    @Test
    void reloadSignalsNeitherCrashNorStopTheProxyAndUsr1IsASoftStop() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(dir, "-c", conf("").toString())) {
            int port = proxy.awaitListening("MySQL");
            try (Connection session = Jdbc.connect(port)) {
                // What Debian's HAProxy unit (USR2) and systemctl reload habits (HUP) send: before, USR2 crashed the
                // JVM (SIGSEGV, exit 134) and HUP stopped it (exit 129). Both reload the file in place now.
                proxy.signal("USR2");
                proxy.signal("HUP");
                try {
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> proxy.log().contains("SIGUSR2: reloading")
                                    && proxy.log().contains("SIGHUP: reloading")
                                    && proxy.log().split("Reload applied", -1).length == 3);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("alive=" + proxy.isAlive() + ", log:\n" + proxy.log(), e);
                }
                assertThat(proxy.isAlive()).isTrue();
                assertThat(Jdbc.serverId(session)).isEqualTo(db.primary().serverId());
                try (Connection fresh = Jdbc.connect(port)) {
                    assertThat(Jdbc.serverId(fresh)).isEqualTo(db.primary().serverId());
                }
                // SIGQUIT: the JVM's thread dump, and the proxy goes on.
                proxy.signal("QUIT");
                await().atMost(Duration.ofSeconds(10)).until(() -> proxy.log().contains("Full thread dump"));
                assertThat(proxy.isAlive()).isTrue();
                assertThat(Jdbc.serverId(session)).isEqualTo(db.primary().serverId());
                // HAProxy's soft stop: no new connections, the open session may finish, then exit 0.
                proxy.signal("USR1");
                await().atMost(Duration.ofSeconds(10)).until(() -> !canConnect(port));
                assertThat(Jdbc.serverId(session)).isEqualTo(db.primary().serverId());
            }
            assertThat(proxy.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(proxy.log()).contains("SIGUSR1: soft stop").doesNotContain("SIGSEGV");
        }
        try (var leftovers = Files.list(Path.of("."))) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("hs_err_pid"));
        }
    }

    @Test
    void sigintIsTheGracefulStopOfSigterm() throws Exception {
        // Ctrl-C in a terminal.
        try (ProxyProcess proxy = ProxyProcess.start(dir, "-c", conf("").toString())) {
            int port = proxy.awaitListening("MySQL");
            try (Connection session = Jdbc.connect(port)) {
                proxy.signal("INT");
                await().atMost(Duration.ofSeconds(10)).until(() -> !canConnect(port));
                assertThat(Jdbc.serverId(session)).isEqualTo(db.primary().serverId());
            }
            assertThat(proxy.awaitExit(Duration.ofSeconds(20))).isEqualTo(130);
            assertThat(proxy.log()).contains("stopped listening").contains("stopped");
        }
    }

    @Test
    void hardStopAfterCutsSessionsThatOutstayIt() throws Exception {
        Path f = dir.resolve("hard.conf");
        Files.writeString(f, "global.hard-stop-after = 1s\n" + Hocon.activeBackup(db.servers(), ""));
        try (ProxyProcess proxy = ProxyProcess.start(dir, "-c", f.toString())) {
            int port = proxy.awaitListening("MySQL");
            try (Connection session = Jdbc.connect(port)) {
                proxy.signal("TERM");
                assertThat(proxy.awaitExit(Duration.ofSeconds(20))).isEqualTo(143);
                assertThatThrownBy(() -> Jdbc.serverId(session)).isInstanceOf(SQLException.class);
            }
            assertThat(proxy.log()).contains("hard-stop-after 1s reached: closed 1 sessions");
        }
    }

    @Test
    void anAddressInUseExitsWithThreeAndLeavesNothingBound() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path f = dir.resolve("inuse.conf");
            Files.writeString(
                    f,
                    Hocon.activeBackup(db.servers(), "").replace("127.0.0.1:0", "127.0.0.1:" + taken.getLocalPort()));
            try (ProxyProcess proxy = ProxyProcess.start(dir, "-c", f.toString())) {
                assertThat(proxy.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
                assertThat(proxy.log())
                        .contains("cannot bind frontend 'MySQL' to 127.0.0.1:" + taken.getLocalPort())
                        .contains("Address already in use");
            }
        }
    }

    static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
