package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.Socat;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad client at once against the proxy process (issue 15, "hostile clients"): a connection storm
 * (connect and close, half of them with a reset), clients that connect and never send, garbage before and after the
 * greeting, clients that reset in the middle of a large result. Meanwhile the admin socket answers and a well-behaved
 * client gets its queries through; afterwards descriptors and threads are back at their idle level and no session
 * is left. The proxy runs with the heap and direct-memory budget the launcher gives it, so the storm also shows that
 * budget holds.
 */
@Timeout(240)
class HostileClientIT {
    /** Storm size: 20,000 by hand ({@code -Dhostile.storm=20000}); CI runs a smaller one. */
    private static final int STORM = Integer.getInteger("hostile.storm", 5_000);

    private static final int SILENT = 200;
    private static final int GARBAGE = 50;
    private static final int RESETTING = 20;

    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.single(b -> b.option("max_connections", 1000));

    @TempDir
    Path dir;

    @Test
    void theProxyServesOthersThroughEveryKindOfBadClientAndReturnsToIdle() throws Exception {
        Path sock = dir.resolve("admin.sock");
        Path conf = dir.resolve("understudy.conf");
        Files.writeString(
                conf,
                "admin.sockets = [ { path = \"" + sock + "\", level = admin } ]\n"
                        // maxconn well below the server's max_connections, as it should be in production: otherwise
                        // the storm's sessions fill MariaDB and a good client gets its 1040 "Too many connections".
                        // MariaDB counts a connection until its thread has ended, after the proxy closed it: with
                        // maxconn 800 against 1,000 that happened once in CI, so the margin is 500.
                        + Hocon.activeBackup(db.servers(), "maxconn = 500\n  check { type = mysql, user = haproxy }"));
        try (ProxyProcess proxy = ProxyProcess.startWithJvmOptions(
                List.of("-Xmx" + HEAP, "-XX:MaxDirectMemorySize=" + DIRECT), dir, "-c", conf.toString())) {
            int port = proxy.awaitListening("MySQL");
            await().atMost(Duration.ofSeconds(20)).until(() -> status(sock).contains("UP"));
            // Idle level, after one real client has warmed up the paths it uses.
            for (int i = 0; i < 20; i++) {
                try (Connection c = Jdbc.connect(port)) {
                    assertThat(Jdbc.serverId(c)).isEqualTo(db.primary().serverId());
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> scur(sock) == 0);
            long idleFds = proxy.openFds();
            long idleThreads = proxy.threads();
            long idleRss = proxy.rssKib();

            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Socket> silent = new ArrayList<>();
            AtomicInteger stormed = new AtomicInteger();
            AtomicInteger served = new AtomicInteger();
            long peakRss = idleRss;
            long peakFds = idleFds;
            try {
                for (int i = 0; i < SILENT; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    silent.add(s);
                }
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int worker = t;
                    work.add(pool.submit(() -> {
                        for (int i = worker; i < STORM; i += 8) {
                            storm(port, i % 2 == 0);
                            stormed.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (int i = 0; i < GARBAGE; i++) {
                    int n = i;
                    work.add(pool.submit(() -> {
                        garbage(port, n % 2 == 0, new Random(n));
                        return null;
                    }));
                }
                for (int i = 0; i < RESETTING; i++) {
                    work.add(pool.submit(() -> {
                        resetMidResult(port);
                        return null;
                    }));
                }
                // While all that goes on: the admin socket answers, a good client is served.
                while (work.stream().anyMatch(f -> !f.isDone())) {
                    assertThat(Socat.send(sock, "show info\n")).contains("Name: Understudy");
                    try (Connection c = Jdbc.connect(port)) {
                        assertThat(Jdbc.serverId(c)).isEqualTo(db.primary().serverId());
                        served.incrementAndGet();
                    }
                    peakRss = Math.max(peakRss, proxy.rssKib());
                    peakFds = Math.max(peakFds, proxy.openFds());
                }
                for (Future<?> f : work) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
                pool.shutdownNow();
            }
            assertThat(proxy.log()).doesNotContain("LEAK:").doesNotContain("OutOfMemoryError");
            await().atMost(Duration.ofSeconds(30)).until(() -> scur(sock) == 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.openFds() <= idleFds + 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.threads() <= idleThreads + 1);
            System.out.printf(
                    "hostile clients: %d storm connects, %d silent, %d garbage, %d resets mid-result; %d good queries"
                            + " served meanwhile; fds idle %d peak %d after %d; threads idle %d after %d;"
                            + " RSS idle %d KiB peak %d KiB after %d KiB (heap %s, direct %s)%n",
                    stormed.get(),
                    SILENT,
                    GARBAGE,
                    RESETTING,
                    served.get(),
                    idleFds,
                    peakFds,
                    proxy.openFds(),
                    idleThreads,
                    proxy.threads(),
                    idleRss,
                    peakRss,
                    proxy.rssKib(),
                    HEAP,
                    DIRECT);
            assertThat(served.get()).isPositive();
            // The budget holds: heap and direct memory as given, plus the JVM's own (metaspace, code, stacks).
            assertThat(peakRss)
                    .as("peak RSS in KiB, against heap %s + direct %s + 160 MiB", HEAP, DIRECT)
                    .isLessThan((128 + 64 + 160) * 1024L);
            // The proxy still works as before.
            try (Connection c = Jdbc.connect(port)) {
                assertThat(Jdbc.serverId(c)).isEqualTo(db.primary().serverId());
            }
        }
    }

    private static final String HEAP = "128m";
    private static final String DIRECT = "64m";

    /** Connects and leaves at once: a FIN, or a reset (SO_LINGER 0) when {@code reset}. */
    private static void storm(int port, boolean reset) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            if (reset) {
                s.setSoLinger(true, 0);
            }
        }
    }

    /** Random bytes, before the greeting arrives or after reading it; then reads until the proxy closes. */
    private static void garbage(int port, boolean beforeGreeting, Random random) throws Exception {
        try (Socket s = new Socket()) {
            s.setSoTimeout(30_000);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            byte[] junk = new byte[4096];
            random.nextBytes(junk);
            InputStream in = s.getInputStream();
            if (!beforeGreeting) {
                assertThat(in.read()).as("the greeting's first byte").isNotEqualTo(-1);
            }
            s.getOutputStream().write(junk);
            s.getOutputStream().flush();
            // MariaDB answers a bad handshake with an error and closes; the proxy passes both on.
            while (in.read(junk) != -1) {
                // drain
            }
        }
    }

    /** Starts reading a large result, then leaves with unread data (the kernel sends a reset). */
    private static void resetMidResult(int port) throws Exception {
        Connection c = Jdbc.connect(port);
        try {
            Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            st.setFetchSize(Integer.MIN_VALUE);
            ResultSet rs = st.executeQuery("SELECT seq, REPEAT('x', 1000) FROM seq_1_to_100000");
            assertThat(rs.next()).isTrue();
        } finally {
            ExecutorService now = Executors.newSingleThreadExecutor();
            c.abort(now);
            now.shutdown();
        }
    }

    private static String status(Path sock) {
        return Socat.send(sock, "show stat\n");
    }

    /** Sessions on Primary now ({@code scur}). */
    private static long scur(Path sock) {
        for (String line : status(sock).split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > 4 && f[0].equals("MySQL") && f[1].equals("Primary")) {
                return Long.parseLong(f[4]);
            }
        }
        throw new AssertionError("no Primary row");
    }
}
