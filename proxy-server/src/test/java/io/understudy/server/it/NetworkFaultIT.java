package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.DelayLine;
import io.understudy.testkit.FaultLab;
import io.understudy.testkit.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Network faults on the link between the proxy and the primary, made with nftables in a namespace of the test's own
 * ({@link FaultLab}): the proxy and its clients (the real {@code mariadb} CLI) run there, each MariaDB server is
 * reached over a real TCP leg. The proxy runs with the default health-check settings, since those are what the
 * faults test.
 */
@Timeout(300)
class NetworkFaultIT {
    private static final int PRIMARY_PORT = 13306;
    private static final int BACKUP_PORT = 13307;
    private static final int PROXY_PORT = 3306;
    private static final Duration LOAD = Duration.ofSeconds(60);
    /** Latency each way on the primary's link in the loss test: 200 ms more per round trip. */
    private static final Duration ONE_WAY = Duration.ofMillis(100);

    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup(b -> b.option("max_connections", 500));

    private FaultLab lab;
    private DelayLine delay;
    private ProxyProcess proxy;

    @BeforeEach
    void lab() {
        assertThat(ProcessHandle.current().info().user().orElse(""))
                .as("network faults need root (namespaces, nftables)")
                .isEqualTo("root");
        lab = new FaultLab();
        lab.bridge(BACKUP_PORT, db.backup());
    }

    @AfterEach
    void cleanUp() {
        if (proxy != null) {
            proxy.close();
        }
        if (delay != null) {
            delay.close();
        }
        if (lab != null) {
            lab.close();
            assertThat(lab.remainingNamespaces()).isEmpty();
        }
    }

    /**
     * Issue 15, defect 2: random 5% loss each way on the primary's link for a minute, with 100 ms of latency each way
     * on top (netem's {@code delay 200ms} on one side of a link; a {@link DelayLine} here, as this kernel has no
     * netem), and clients connecting all the while. A lost SYN costs Linux's 1 s retransmission and a MySQL check
     * now takes about three round trips; a check or connect that cannot survive one lost packet on a slow link makes
     * loss alone take the primary DOWN, close every session and move the writes, again and again. The rule that
     * holds: a server goes DOWN only after {@code fall} failed checks in a row (3), each allowed 1.5 s, the last one
     * failing on two simultaneous attempts.
     */
    @Test
    void fivePercentLossOnASlowPrimaryLinkDoesNotFlap() throws Exception {
        delay = new DelayLine(
                lab.dir.resolve("primary-delay.sock"), db.primary().directory().resolve("mysqld.sock"), ONE_WAY);
        lab.bridge(PRIMARY_PORT, delay.path());
        startProxy();
        lab.loss(PRIMARY_PORT, 50);
        List<Process> loaders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            loaders.add(load(i, LOAD));
        }
        for (Process p : loaders) {
            assertThat(p.waitFor(LOAD.toSeconds() + 60, TimeUnit.SECONDS))
                    .as("a load client finished")
                    .isTrue();
        }
        String rules = lab.rules();
        lab.heal();
        String stat = stat();
        long downs = proxy.log().lines().filter(l -> l.contains("is DOWN")).count();
        Results results = results();
        System.out.printf(
                "5%% loss and %d ms latency each way, %ds: Primary chkdown %s, chkfail %s, DOWN lines %d, Secondary stot %s; clients: %s%n"
                        + "%s%n",
                ONE_WAY.toMillis(),
                LOAD.toSeconds(),
                FileLimitIT.field(stat, "Primary", 22),
                FileLimitIT.field(stat, "Primary", 21),
                downs,
                FileLimitIT.field(stat, "Secondary", 7),
                results,
                rules);
        assertThat(rules).as("the loss rules dropped packets").containsPattern("packets [1-9]");
        assertThat(FileLimitIT.field(stat, "Primary", 22))
                .as("UP to DOWN transitions of Primary under 5% loss")
                .isEqualTo("0");
        assertThat(FileLimitIT.field(stat, "Secondary", 7))
                .as("sessions sent to the backup")
                .isEqualTo("0");
        assertThat(results.ok()).as("queries that succeeded").isPositive();
        assertThat(results.fail()).as("client errors: %s", results.failures()).isZero();
    }

    /**
     * A primary that vanishes from the network (every packet dropped, as after a power cut) while a client waits in a
     * query: DOWN with a timeout status within the documented bound (inter + fall × timeout + (fall − 1) × fastinter
     * = 6 s with the defaults), the waiting client let go rather than held until {@code timeout server}, and new
     * clients on the backup.
     */
    @Test
    void aBlackholedPrimaryIsDownInTimeAndNoClientIsLeftHanging() throws Exception {
        lab.bridge(PRIMARY_PORT, db.primary());
        startProxy();
        Path sleeping = lab.dir.resolve("sleeping.log");
        Process waiting = lab.spawn(sleeping, cli("SELECT SLEEP(60)"));
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> FileLimitIT.field(stat(), "Primary", 4).equals("1"));
        long cut = System.nanoTime();
        lab.blackhole(PRIMARY_PORT);
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> FileLimitIT.field(stat(), "Primary", 17).equals("DOWN"));
        long downMillis = (System.nanoTime() - cut) / 1_000_000;
        String stat = stat();
        assertThat(waiting.waitFor(10, TimeUnit.SECONDS))
                .as("the client waiting in a query on Primary was let go")
                .isTrue();
        long releasedMillis = (System.nanoTime() - cut) / 1_000_000;
        String answer = lab.exec(FaultLab.HOST, Duration.ofSeconds(20), cli("SELECT @@server_id"))
                .output()
                .trim();
        System.out.printf(
                "blackhole: DOWN after %d ms (%s, %s), waiting client released after %d ms, new client on server %s%n",
                downMillis,
                FileLimitIT.field(stat, "Primary", 36),
                FileLimitIT.field(stat, "Primary", 56),
                releasedMillis,
                answer);
        assertThat(FileLimitIT.field(stat, "Primary", 36)).isIn("L4TOUT", "L7TOUT");
        assertThat(downMillis)
                .as("DOWN within the documented 6 s, 1 s of scheduling slack")
                .isLessThan(7_000);
        assertThat(waiting.exitValue()).as("the waiting client got an error").isNotZero();
        assertThat(answer).isEqualTo(Long.toString(db.backup().serverId()));
    }

    private void startProxy() throws Exception {
        Path conf = lab.dir.resolve("understudy.conf");
        Files.writeString(
                conf,
                """
                admin.sockets = [ { path = "%s", level = admin } ]
                defaults.check { type = mysql, user = haproxy }
                listen.MySQL {
                  bind = "127.0.0.1:%d"
                  servers = [
                    { name = Primary, address = "127.0.0.1:%d" }
                    { name = Secondary, address = "127.0.0.1:%d", backup = true }
                  ]
                }
                """
                        .formatted(adminSocket(), PROXY_PORT, PRIMARY_PORT, BACKUP_PORT));
        proxy = ProxyProcess.startInNamespace(lab.ns(FaultLab.HOST), lab.dir, "-c", conf.toString());
        proxy.awaitListening("MySQL");
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    String s = stat();
                    return FileLimitIT.field(s, "Primary", 17).equals("UP")
                            && FileLimitIT.field(s, "Secondary", 17).equals("UP");
                });
    }

    private Path adminSocket() {
        return lab.dir.resolve("admin.sock");
    }

    private String stat() {
        return io.understudy.testkit.Socat.send(adminSocket(), "show stat\n");
    }

    /** The {@code mariadb} command line running {@code sql} through the proxy. */
    private static String[] cli(String sql) {
        return new String[] {
            "mariadb",
            "-h",
            "127.0.0.1",
            "-P",
            Integer.toString(PROXY_PORT),
            "-u",
            "app",
            "-papp",
            "-N",
            "-B",
            "-e",
            sql
        };
    }

    /**
     * A client in the namespace that connects, asks for the server id and quits, in a loop for {@code duration}; one
     * line per attempt in {@code load-<i>.out}: "ok" or "fail" and the server's id or error.
     */
    private Process load(int i, Duration duration) {
        Path out = lab.dir.resolve("load-" + i + ".out");
        String script =
                """
                end=$((SECONDS + %d))
                while [ $SECONDS -lt $end ]; do
                  if r=$(mariadb -h 127.0.0.1 -P %d -u app -papp -N -B -e 'SELECT @@server_id' 2>&1); then
                    echo "ok $r"
                  else
                    echo "fail $r"
                  fi
                done > %s
                """
                        .formatted(duration.toSeconds(), PROXY_PORT, out);
        return lab.spawn(lab.dir.resolve("load-" + i + ".log"), "bash", "-c", script);
    }

    /** What the load clients saw: attempts that worked, that failed, and a few distinct failures. */
    record Results(long ok, long fail, List<String> failures) {}

    private Results results() throws Exception {
        List<String> lines = new ArrayList<>();
        try (var files = Files.list(lab.dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".out"))
                    .toList()) {
                lines.addAll(Files.readAllLines(p));
            }
        }
        List<String> failed = lines.stream().filter(l -> l.startsWith("fail")).toList();
        return new Results(
                lines.stream().filter(l -> l.startsWith("ok")).count(),
                failed.size(),
                failed.stream().distinct().limit(5).toList());
    }
}
