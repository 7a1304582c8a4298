package io.understudy.bench;

import io.understudy.core.config.ConfigLoader;
import io.understudy.server.Understudy;
import io.understudy.testkit.FreePorts;
import io.understudy.testkit.HaproxyProcess;
import io.understudy.testkit.MariaDbCluster;
import io.understudy.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Failover side by side: the same primary/backup MariaDB pair behind Understudy (default timings, mysql checks; and
 * with the seed's {@code timeout connect 10s}), HAProxy
 * as the seed configures it ({@code timeout connect 10s}, {@code option mysql-check}, HAProxy's check defaults) and
 * HAProxy with check settings equal to Understudy's; under sixteen clients opening a connection per query, the primary
 * is killed (-9), stopped cleanly, and frozen (SIGSTOP). Per proxy and fault it prints when new connections first
 * reached the backup after the fault and how many new connections failed (those started after the fault had taken
 * effect, and separately those started while it was being applied or before: their handshake may have begun with the
 * old server). Traffic goes to loopback only; every process it starts is stopped.
 *
 * <p>Run (about two minutes; needs mariadb-server and haproxy, as the test suite does):
 *
 * <pre>
 * mvn -q -o -DskipTests install
 * mvn -q -o -pl bench dependency:build-classpath -Dmdep.outputFile=/tmp/bench.cp
 * java -cp bench/target/classes:$(cat /tmp/bench.cp) io.understudy.bench.FailoverBench
 * </pre>
 */
public final class FailoverBench {
    /**
     * Clients opening a connection per query in a loop: enough that some are always connecting, as under a continuous
     * load of new connections (with a handful, all may sit in a query on the frozen server at the instant it freezes,
     * and then only the health checks can see the freeze).
     */
    private static final int CLIENTS = 16;

    private static final Duration OBSERVE = Duration.ofSeconds(8);

    private FailoverBench() {}

    /** One connect-and-query: when it started and ended (nanoTime), the server that answered, or the error. */
    record Attempt(long start, long end, long serverId, String error) {}

    interface Proxy extends AutoCloseable {
        int port();

        @Override
        void close() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        List<String> lines = new ArrayList<>();
        try (MariaDbCluster db = MariaDbCluster.primaryBackup().start()) {
            List<Fault> faults = List.of(
                    new Fault("kill -9", MariaDbServer::kill9, MariaDbServer::restart),
                    new Fault("clean stop", MariaDbServer::stop, MariaDbServer::restart),
                    new Fault("SIGSTOP", MariaDbServer::freeze, MariaDbServer::thaw));
            List<String> proxies =
                    List.of(System.getProperty("proxies", "understudy,understudy-seed,haproxy-seed,haproxy-equal")
                            .split(","));
            for (String proxy : proxies) {
                for (Fault f : faults) {
                    if (!System.getProperty("faults", "kill -9,clean stop,SIGSTOP")
                            .contains(f.name())) {
                        continue;
                    }
                    db.ensureRunning();
                    db.awaitReplication();
                    try (Proxy p = start(proxy, db)) {
                        lines.add(run(proxy, f, p, db));
                    }
                }
            }
        }
        System.out.println();
        System.out.println(String.format(
                Locale.ROOT,
                "%-15s %-11s %9s %12s %10s %10s %10s",
                "proxy",
                "fault",
                "took",
                "backup after",
                "attempts",
                "failed",
                "in flight"));
        lines.forEach(System.out::println);
        String csv = System.getProperty("csv");
        if (csv != null) {
            List<String> out = new ArrayList<>();
            out.add("proxy,fault,took,backup after,attempts,failed new,in flight");
            CSV_ROWS.forEach(r -> out.add(String.join(",", r)));
            Files.write(Path.of(csv), out);
        }
    }

    /** The rows of the table, for {@code -Dcsv=FILE} (bench/run.sh renders them into its report). */
    private static final List<String[]> CSV_ROWS = new ArrayList<>();

    record Fault(String name, Consumer<MariaDbServer> breakIt, Consumer<MariaDbServer> repair) {}

    private static String run(String proxy, Fault fault, Proxy p, MariaDbCluster db) throws Exception {
        ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        String url = "jdbc:mysql://127.0.0.1:" + p.port()
                + "/test?user=app&password=app&connectTimeout=15000&socketTimeout=15000&useSSL=false"
                + "&allowPublicKeyRetrieval=true";
        for (int i = 0; i < CLIENTS; i++) {
            pool.execute(() -> {
                while (running.get()) {
                    long t0 = System.nanoTime();
                    try (Connection c = DriverManager.getConnection(url);
                            Statement st = c.createStatement();
                            ResultSet rs = st.executeQuery("SELECT @@server_id")) {
                        rs.next();
                        attempts.add(new Attempt(t0, System.nanoTime(), rs.getLong(1), null));
                    } catch (Exception e) {
                        attempts.add(new Attempt(
                                t0, System.nanoTime(), -1, e.getClass().getSimpleName()));
                    }
                }
            });
        }
        // Warm up on the primary, then break it, watch, repair (timed stimuli, not waits for a condition).
        LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
        long faultAt = System.nanoTime();
        fault.breakIt().accept(db.primary());
        // The fault takes effect somewhere before this: kill(1) for the signals, mysqld's exit for a clean stop.
        long brokenAt = System.nanoTime();
        LockSupport.parkNanos(OBSERVE.toNanos());
        running.set(false);
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        fault.repair().accept(db.primary());
        long backupId = db.backup().serverId();
        long firstOnBackup = attempts.stream()
                .filter(a -> a.serverId() == backupId && a.end() > faultAt)
                .mapToLong(Attempt::end)
                .min()
                .orElse(-1);
        List<Attempt> after = attempts.stream().filter(a -> a.end() > faultAt).toList();
        // Connections started before the fault had taken effect may have begun their handshake with the old
        // server (an L4 proxy cannot move those): reported apart from the ones started after it.
        long failedAfter = after.stream()
                .filter(a -> a.error() != null && a.start() >= brokenAt)
                .count();
        long inFlight = after.stream()
                .filter(a -> a.error() != null && a.start() < brokenAt)
                .count();
        after.stream()
                .filter(a -> a.error() != null)
                .limit(3)
                .forEach(a -> System.out.printf(
                        Locale.ROOT,
                        "  %s %s: failure started %+d ms after the fault, after %d ms: %s%n",
                        proxy,
                        fault.name(),
                        (a.start() - faultAt) / 1_000_000,
                        (a.end() - a.start()) / 1_000_000,
                        a.error()));
        CSV_ROWS.add(new String[] {
            proxy,
            fault.name(),
            (brokenAt - faultAt) / 1_000_000 + " ms",
            firstOnBackup < 0
                    ? "none within " + OBSERVE.toSeconds() + " s"
                    : (firstOnBackup - faultAt) / 1_000_000 + " ms",
            String.valueOf(after.size()),
            String.valueOf(failedAfter),
            String.valueOf(inFlight)
        });
        return String.format(
                Locale.ROOT,
                "%-15s %-11s %9s %12s %10d %10d %10d",
                proxy,
                fault.name(),
                (brokenAt - faultAt) / 1_000_000 + " ms",
                firstOnBackup < 0 ? "never" : (firstOnBackup - faultAt) / 1_000_000 + " ms",
                after.size(),
                failedAfter,
                inFlight);
    }

    private static Proxy start(String kind, MariaDbCluster db) throws Exception {
        int primary = db.primary().port();
        int backup = db.backup().port();
        if (kind.startsWith("understudy")) {
            // understudy-seed: the seed's timeout connect 10s (which also bounds the wait for a greeting).
            String timeouts = kind.equals("understudy-seed") ? "  timeout { connect = 10s }\n" : "";
            String hocon = "listen.MySQL {\n  bind = \"127.0.0.1:0\"\n  check { type = mysql, user = haproxy }\n"
                    + timeouts
                    + "  servers = [ { name = Primary, address = \"127.0.0.1:" + primary + "\" },\n"
                    + "    { name = Secondary, address = \"127.0.0.1:" + backup + "\", backup = true } ]\n}\n";
            Understudy u = new Understudy(ConfigLoader.parse(hocon, "bench.conf"));
            u.start();
            return new Proxy() {
                public int port() {
                    return u.engine().boundAddress("MySQL").orElseThrow().getPort();
                }

                public void close() {
                    u.close();
                }
            };
        }
        int port = FreePorts.find();
        boolean equal = kind.equals("haproxy-equal");
        String timings = equal
                ? "  timeout connect 1500ms\n  timeout check 1500ms\n  retries 3\n  option redispatch\n"
                        + "  default-server inter 1s fastinter 250ms downinter 1s rise 2 fall 3\n"
                : "  timeout connect 10s\n";
        String cfg = "global\n  maxconn 2000\n  stats socket " + "%s" + " level admin\n"
                + "defaults\n  mode tcp\n  timeout client 1m\n  timeout server 1m\n" + timings
                + "listen MySQL\n  bind 127.0.0.1:" + port + "\n  option mysql-check user haproxy\n"
                + "  server Primary 127.0.0.1:" + primary + " check\n"
                + "  server Secondary 127.0.0.1:" + backup + " check backup\n";
        Path dir = Files.createTempDirectory("failover-bench-haproxy");
        Path sock = dir.resolve("stats.sock");
        HaproxyProcess h = HaproxyProcess.start(dir, String.format(Locale.ROOT, cfg, sock), List.of(sock));
        return new Proxy() {
            public int port() {
                return port;
            }

            public void close() throws Exception {
                h.close();
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                }
            }
        };
    }
}
