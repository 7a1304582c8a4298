package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.MariaDbCluster;
import io.understudy.testkit.MariaDbServer;
import io.understudy.testkit.Socat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The pair as operators run it: two Understudy processes, each in its own network namespace with its own real
 * keepalived (VRRPv3, both BACKUP + nopreempt, the health hook as track script, the notify script telling the proxy its
 * state), MariaDB Primary and Secondary in dual-master replication, and a client namespace that only knows the virtual
 * IP. The databases run in the root namespace; each proxy namespace reaches them through socat bridges to their Unix
 * sockets (a namespace cannot reach the root namespace's loopback), which also lets a test cut one proxy off one
 * database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PairIT {
    static final String SECRET = "pair-secret-for-the-tests-0123";
    static final Duration CLI = Duration.ofSeconds(5);

    MariaDbCluster db;
    PairLab lab;
    final Node a = new Node("lbA", 11, 150);
    final Node b = new Node("lbB", 12, 100);
    final List<String> findings = new ArrayList<>();

    /** One proxy host: Understudy, its socat bridges, its keepalived. */
    final class Node {
        final String name;
        final int octet;
        final int priority;
        Process proxy;
        Process keepalived;
        final Map<Integer, MariaDbServer> bridges = new java.util.HashMap<>();
        final Map<Integer, Process> bridgeProcesses = new java.util.HashMap<>();
        int starts;

        Node(String name, int octet, int priority) {
            this.name = name;
            this.octet = octet;
            this.priority = priority;
        }

        Path socket() {
            return lab.dir.resolve(name + ".sock");
        }

        String admin(String command) {
            return Socat.command(socket(), command);
        }

        void startProxy() throws IOException {
            Path conf = lab.dir.resolve(name + ".conf");
            Files.writeString(conf, config(this));
            proxy = lab.spawn(
                    name,
                    lab.dir.resolve(name + "-proxy-" + (starts + 1) + ".log"),
                    ProxyProcess.javaBin(),
                    "-XX:+UseSerialGC",
                    "-Xmx128m",
                    "-Dio.netty.leakDetection.level=paranoid",
                    "-jar",
                    ProxyProcess.jar().toString(),
                    "-c",
                    conf.toString());
            starts++;
        }

        boolean healthy() {
            return lab.exec(
                            name,
                            CLI,
                            lab.dir.resolve("understudy").toString(),
                            "health",
                            "http://127.0.0.1:8404/health")
                    .ok();
        }

        void startKeepalived() throws IOException {
            Path conf = lab.dir.resolve("keepalived-" + name + ".conf");
            Files.writeString(conf, keepalivedConfig(this));
            Path notify = lab.dir.resolve("notify-" + name + ".sh");
            Files.writeString(
                    notify,
                    "#!/bin/sh\nexec " + lab.dir.resolve("understudy-notify.sh") + " \"$1\" \"$2\" \"$3\" \"$4\" "
                            + socket() + "\n");
            notify.toFile().setExecutable(true, false);
            PairLab.Result test = lab.exec(name, CLI, "keepalived", "-t", "-f", conf.toString());
            assertThat(test.code()).as("keepalived -t: %s", test.output()).isZero();
            keepalived = lab.spawn(
                    name,
                    lab.dir.resolve("keepalived-" + name + ".log"),
                    "keepalived",
                    "--dont-fork",
                    "--log-console",
                    "--log-detail",
                    "--no-syslog",
                    "--vrrp",
                    "--use-file",
                    conf.toString(),
                    "--pid",
                    lab.dir.resolve("keepalived-" + name + ".pid").toString(),
                    "--vrrp_pid",
                    lab.dir.resolve("keepalived-" + name + "-vrrp.pid").toString());
        }

        boolean holdsVip() {
            return lab.exec(name, CLI, "ip", "-o", "addr", "show", "dev", "eth0")
                    .output()
                    .contains(PairLab.VIP + "/");
        }

        String role() {
            for (String w : admin("show peers").split("\\s+")) {
                if (w.startsWith("role=")) {
                    return w.substring(5);
                }
            }
            return "";
        }

        void kill9() throws InterruptedException {
            proxy.destroyForcibly();
            proxy.waitFor(10, TimeUnit.SECONDS);
        }

        String log() {
            try {
                // This start's log only: an earlier start's lines must not satisfy a test.
                return Files.readString(lab.dir.resolve(name + "-proxy-" + starts + ".log"));
            } catch (IOException e) {
                return "";
            }
        }
    }

    String config(Node n) {
        return """
                global { state-file = "%1$s/%2$s.state" }
                admin { sockets = [ { path = "%1$s/%2$s.sock", level = admin } ] }
                metrics { bind = "127.0.0.1:8404" }
                peers {
                  local = %2$s
                  secret = "%3$s"
                  interval = 200ms
                  sync-timeout = 3s
                  members { lbA = "%4$s11:7400", lbB = "%4$s12:7400" }
                }
                defaults {
                  failback = manual
                  check { type = mysql, user = haproxy, inter = 300ms, rise = 2, fall = 2 }
                  timeout { connect = 2s, queue = 5s }
                }
                listen.MySQL {
                  bind = "0.0.0.0:3306"
                  servers = [
                    { name = Primary, address = "127.0.0.1:13306" }
                    { name = Secondary, address = "127.0.0.1:13307", backup = true }
                  ]
                }
                """
                .formatted(lab.dir, n.name, SECRET, PairLab.SUBNET);
    }

    String keepalivedConfig(Node n) {
        return """
                global_defs {
                  router_id %1$s
                  script_user root
                  enable_script_security
                }
                vrrp_script chk_understudy {
                  script "%2$s/understudy health http://127.0.0.1:8404/health"
                  interval 1
                  timeout 1
                  fall 1
                  rise 2
                  weight 0
                }
                vrrp_instance understudy {
                  state BACKUP
                  nopreempt
                  interface eth0
                  virtual_router_id 51
                  priority %3$d
                  version 3
                  advert_int 0.1
                  virtual_ipaddress {
                    %4$s/24 dev eth0
                  }
                  track_script {
                    chk_understudy
                  }
                  notify "%2$s/notify-%1$s.sh"
                }
                """
                .formatted(n.name, lab.dir, n.priority, PairLab.VIP);
    }

    @BeforeAll
    void buildThePair() throws Exception {
        assertThat(ProcessHandle.current().info().user().orElse(""))
                .as("the pair test needs root")
                .isEqualTo("root");
        assertThat(PairLab.execute(List.of("keepalived", "--version"), CLI).ok())
                .as("keepalived must be installed (scripts/test.sh installs it)")
                .isTrue();
        db = MariaDbCluster.dualMaster(builder -> builder.option("binlog_format", "ROW"))
                .start();
        db.primary()
                .execute(
                        "CREATE DATABASE pair",
                        "CREATE TABLE pair.w (id INT AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL, sid INT NOT NULL,"
                                + " ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))",
                        "GRANT ALL ON pair.* TO 'app'@'%'");
        db.awaitReplication();
        lab = new PairLab();
        Path repo = Paths.get("..").toAbsolutePath().normalize();
        Files.copy(repo.resolve("bin/understudy"), lab.dir.resolve("understudy"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(
                repo.resolve("conf/keepalived/understudy-notify.sh"),
                lab.dir.resolve("understudy-notify.sh"),
                StandardCopyOption.REPLACE_EXISTING);
        for (Node n : List.of(a, b)) {
            bridge(n, 13306, db.primary());
            bridge(n, 13307, db.secondary());
            n.startProxy();
        }
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> a.healthy() && b.healthy());
        a.startKeepalived();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(a::holdsVip);
        b.startKeepalived();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> a.role().equals("MASTER") && b.role().equals("BACKUP"));
    }

    void bridge(Node n, int port, MariaDbServer server) {
        n.bridges.put(port, server);
        n.bridgeProcesses.put(
                port,
                lab.spawn(
                        n.name,
                        lab.dir.resolve(n.name + "-socat-" + port + ".log"),
                        "socat",
                        "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork",
                        "UNIX-CONNECT:" + server.directory().resolve("mysqld.sock")));
    }

    /** Cuts {@code n} off one database: its bridge and every connection through it. */
    void cutBridge(Node n, int port) throws InterruptedException {
        Process p = n.bridgeProcesses.remove(port);
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** {@code SELECT @@server_id} through the virtual IP from the client namespace, if it answered. */
    Optional<Integer> serverIdThroughVip() {
        PairLab.Result r = lab.exec(
                "cl",
                CLI,
                "mariadb",
                "-h",
                PairLab.VIP,
                "-P",
                "3306",
                "-u",
                "app",
                "-papp",
                "--connect-timeout=1",
                "-N",
                "-B",
                "-e",
                "SELECT @@server_id");
        return r.ok() ? Optional.of(Integer.parseInt(r.output().trim())) : Optional.empty();
    }

    Node master() {
        return a.holdsVip() ? a : b;
    }

    Node other(Node n) {
        return n == a ? b : a;
    }

    @AfterAll
    void tearDown() {
        findings.forEach(f -> System.out.println("PairIT: " + f));
        String names = lab == null ? "" : lab.prefix;
        try {
            if (lab != null) {
                lab.close();
                assertThat(lab.remainingNamespaces())
                        .as("namespaces left by %s", names)
                        .isEmpty();
            }
        } finally {
            if (db != null) {
                db.close();
            }
        }
    }

    @Test
    @Order(1)
    void anOperatorsDecisionOnOneProxyShowsOnTheOtherWithinASecond() {
        assertThat(a.admin("disable server MySQL/Primary")).isBlank();
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> b.admin("show stat").contains("MySQL,Primary,")
                        && statusOf(b, "Primary").equals("MAINT"));
        findings.add("disable on lbA seen as MAINT on lbB after " + ms(t0) + " ms");
        assertThat(b.admin("enable server MySQL/Primary")).isBlank();
        long t1 = System.nanoTime();
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> statusOf(a, "Primary").startsWith("UP"));
        findings.add("enable on lbB seen as UP on lbA after " + ms(t1) + " ms");
        assertThat(a.admin("show peers"))
                .contains("peer=lbB")
                .contains("status=ESTA")
                .contains("lag=0")
                .contains("topology=same");
        assertThat(b.admin("show events")).contains(" peer MySQL/Primary ");
        // The MASTER holds the writer lock on the server it writes to; the BACKUP holds none.
        await().atMost(Duration.ofSeconds(2)).until(() -> a.admin("show peers").contains("lock=MySQL state=holding"));
        assertThat(b.admin("show peers")).contains("lock=MySQL state=following");
        String scrape = lab.exec("lbA", CLI, "curl", "-s", "http://127.0.0.1:8404/metrics")
                .output();
        assertThat(scrape)
                .containsPattern("understudy_backend_writer_lock_state\\{[^}]*state=\"holding\"[^}]*\\} 1(\\.0)?\\n")
                .containsPattern("understudy_pair_decider(\\{\\})? 1(\\.0)?\\n")
                .containsPattern("understudy_peer_connected\\{peer=\"lbB\",?\\} 1(\\.0)?\\n");
    }

    /** The {@code lock=} line of {@code show peers} on {@code n}. */
    static String lockLine(Node n) {
        return n.admin("show peers")
                .lines()
                .filter(l -> l.startsWith("lock="))
                .findFirst()
                .orElse("");
    }

    static String statusOf(Node n, String server) {
        for (String line : n.admin("show stat").split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > 17 && f[0].equals("MySQL") && f[1].equals(server)) {
                return f[17];
            }
        }
        return "";
    }

    static long ms(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Test
    @Order(2)
    void killingTheMasterProxyMovesTheVipAndTheClientReachesTheSameServer() throws Exception {
        // With failback = manual the first test's maintenance left the writer on Secondary: wherever it is, it stays.
        int before = serverIdThroughVip().orElseThrow();
        List<Long> takeovers = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            Node m = master();
            Node o = other(m);
            m.kill9();
            long t0 = System.nanoTime();
            Optional<Integer> id = Optional.empty();
            while (id.isEmpty() && ms(t0) < 15_000) {
                id = serverIdThroughVip();
            }
            takeovers.add(ms(t0));
            assertThat(id)
                    .as("a connection through the VIP after killing %s", m.name)
                    .contains(before);
            assertThat(o.holdsVip()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> o.role().equals("MASTER"));
            // While it is down, the survivor's operator changes something; the killed proxy comes back (as systemd
            // would restart it) and must have that change before it reports healthy; keepalived makes it BACKUP.
            int weight = 10 + run;
            assertThat(o.admin("set weight MySQL/Secondary " + weight)).isBlank();
            m.startProxy();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> m.healthy() || !m.proxy.isAlive());
            assertThat(m.admin("get weight MySQL/Secondary")).startsWith(weight + " ");
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(m::healthy);
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> m.role().equals("BACKUP"));
            assertThat(o.holdsVip())
                    .as("nopreempt: the VIP stays on %s", o.name)
                    .isTrue();
            assertThat(m.log()).contains("peers: caught up with peer " + o.name);
        }
        findings.add(
                "takeover after kill -9 of the master proxy (client view, kill -> first answer): " + takeovers + " ms");
    }

    @Test
    @Order(3)
    void withManualFailbackTheNewMasterKeepsTheWriterWhereTheOldOnePutIt() throws Exception {
        Node m = master();
        // Back to the normal order (Primary) for this scenario; the decision is the pair's.
        assertThat(m.admin("set backend MySQL active-server auto")).isBlank();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() ->
                        serverIdThroughVip().equals(Optional.of(db.primary().serverId())));
        Path stop = lab.dir.resolve("writers.stop");
        Path writer = lab.dir.resolve("writer.sh");
        Files.writeString(
                writer,
                """
                #!/bin/sh
                # writer.sh <n> <stop file>: one INSERT per connection through the VIP until the stop file exists
                while [ ! -e "$2" ]; do
                  if timeout 5 mariadb -h %s -P 3306 -u app -papp --connect-timeout=1 -N -B \
                      -e "INSERT INTO pair.w (writer, sid) VALUES ($1, @@server_id)" >/dev/null 2>&1
                  then echo ok; else echo fail; fi
                done
                """
                        .formatted(PairLab.VIP));
        writer.toFile().setExecutable(true, false);
        List<Path> logs = List.of(lab.dir.resolve("writer-1.log"), lab.dir.resolve("writer-2.log"));
        List<Process> writers = new ArrayList<>();
        for (int i = 0; i < logs.size(); i++) {
            writers.add(lab.spawn("cl", logs.get(i), writer.toString(), Integer.toString(i + 1), stop.toString()));
        }
        int primaryId = db.primary().serverId();
        int secondaryId = db.secondary().serverId();
        await().atMost(Duration.ofSeconds(10)).until(() -> rowsOn(db.primary(), primaryId) >= 20);

        // Only the master loses Primary (its bridge is cut): it fails over to Secondary and, with failback = manual,
        // pins it. The follower's own checks still see Primary UP: only the shared decision moves it.
        Node old = master();
        Node next = other(old);
        cutBridge(old, 13306);
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> rowsOn(db.secondary(), secondaryId) >= 20);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> next.admin("show backend MySQL").contains("Secondary"));
        assertThat(statusOf(next, "Primary"))
                .as("the follower's own view of Primary")
                .startsWith("UP");
        // Primary comes back for the master too: both see it UP, and both keep the writer on Secondary.
        bridge(old, 13306, db.primary());
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> statusOf(a, "Primary").startsWith("UP")
                        && statusOf(b, "Primary").startsWith("UP"));
        assertThat(serverIdThroughVip()).contains(secondaryId);
        assertThat(next.admin("show servers state MySQL")).isNotBlank();

        // The master proxy dies: the new master must keep the writer on Secondary, not go back to Primary.
        old.kill9();
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(20))
                .until(next::holdsVip);
        findings.add(
                "manual failback scenario: VIP on " + next.name + " " + ms(t0) + " ms after kill -9 of " + old.name);
        long secondaryRows = rowsOn(db.secondary(), secondaryId);
        await().atMost(Duration.ofSeconds(15)).until(() -> rowsOn(db.secondary(), secondaryId) >= secondaryRows + 20);
        assertThat(serverIdThroughVip()).contains(secondaryId);
        Files.writeString(stop, "");
        for (Process w : writers) {
            assertThat(w.waitFor(20, TimeUnit.SECONDS)).as("writer stopped").isTrue();
        }
        old.startProxy();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(old::healthy);

        // Where each row was written: sid is the executing server's id, copied as is by row-based replication.
        List<Row> rows = rows();
        java.sql.Timestamp firstOnSecondary = rows.stream()
                .filter(r -> r.sid() == secondaryId)
                .map(Row::ts)
                .min(java.util.Comparator.naturalOrder())
                .orElseThrow();
        List<Row> lateOnPrimary = rows.stream()
                .filter(r -> r.sid() == primaryId && r.ts().after(firstOnSecondary))
                .toList();
        assertThat(lateOnPrimary)
                .as("rows written on Primary after the first row on Secondary")
                .isEmpty();
        long ok = 0;
        long failed = 0;
        for (Path l : logs) {
            for (String line : Files.readAllLines(l)) {
                ok += line.equals("ok") ? 1 : 0;
                failed += line.equals("fail") ? 1 : 0;
            }
        }
        findings.add("manual failback scenario: " + rows.size() + " rows (" + ok + " inserts ok, " + failed
                + " failed across Primary's death and the proxy's), none on Primary after the first on Secondary");
    }

    static long rowsOn(MariaDbServer server, int sid) {
        try {
            return server.queryForLong("SELECT COUNT(*) FROM pair.w WHERE sid = " + sid);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** One row of pair.w: which writer loop wrote it, on which server, when. */
    record Row(int writer, int sid, java.sql.Timestamp ts) {}

    /** Every row, from both servers (replication copies them both ways; ids are unique across the two). */
    List<Row> rows() {
        Map<Long, Row> byId = new java.util.TreeMap<>();
        for (MariaDbServer s : db.servers()) {
            if (!s.isRunning()) {
                continue;
            }
            for (Map<String, Object> r : s.queryForRows("SELECT id, writer, sid, ts FROM pair.w")) {
                byId.put(
                        ((Number) r.get("id")).longValue(),
                        new Row(
                                ((Number) r.get("writer")).intValue(),
                                ((Number) r.get("sid")).intValue(),
                                (java.sql.Timestamp) r.get("ts")));
            }
        }
        return new ArrayList<>(byId.values());
    }

    /** The servers of writer {@code w}'s last {@code n} rows since {@code since}. */
    java.util.Set<Integer> lastServers(List<Row> rows, int w, java.sql.Timestamp since, int n) {
        List<Row> mine = rows.stream()
                .filter(r -> r.writer() == w && r.ts().after(since))
                .sorted(java.util.Comparator.comparing(Row::ts))
                .toList();
        if (mine.size() < n) {
            return java.util.Set.of();
        }
        return mine.subList(mine.size() - n, mine.size()).stream()
                .map(Row::sid)
                .collect(java.util.stream.Collectors.toSet());
    }

    /** How long both servers took writes at the same time since {@code since}, in ms (0: never). */
    static long overlapMillis(List<Row> rows, java.sql.Timestamp since, int p, int s) {
        List<Row> phase = rows.stream().filter(r -> r.ts().after(since)).toList();
        var onP = phase.stream()
                .filter(r -> r.sid() == p)
                .map(r -> r.ts().getTime())
                .toList();
        var onS = phase.stream()
                .filter(r -> r.sid() == s)
                .map(r -> r.ts().getTime())
                .toList();
        if (onP.isEmpty() || onS.isEmpty()) {
            return 0;
        }
        long from = Math.max(java.util.Collections.min(onP), java.util.Collections.min(onS));
        long to = Math.min(java.util.Collections.max(onP), java.util.Collections.max(onS));
        return Math.max(0, to - from);
    }

    Process startWriter(String host, int id, Path stop) throws IOException {
        Path writer = lab.dir.resolve("writer.sh");
        return lab.spawn(
                host,
                lab.dir.resolve("writer-" + id + ".log"),
                writer.toString(),
                Integer.toString(id),
                stop.toString());
    }

    @Test
    @Order(4)
    void whenAPartitionLeavesBothHoldingTheVipTheWriterLockKeepsOneWriter() throws Exception {
        int p = db.primary().serverId();
        int sec = db.secondary().serverId();
        assertThat(master().admin("set backend MySQL active-server auto")).isBlank();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> serverIdThroughVip().equals(Optional.of(p)));
        Path stop = lab.dir.resolve("partition.stop");
        // Writer 11 talks to the VIP from lbA's side, writer 12 from lbB's side.
        List<Process> writers = List.of(startWriter("cl", 11, stop), startWriter("cl2", 12, stop));
        java.sql.Timestamp start = new java.sql.Timestamp(System.currentTimeMillis());

        lab.partition(true);
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> a.holdsVip() && b.holdsVip());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.role().equals("MASTER") && b.role().equals("MASTER"));
        findings.add("partition: both proxies hold the VIP " + ms(t0) + " ms after the cut");
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<Row> all = rows();
                    return lastServers(all, 11, start, 5).equals(java.util.Set.of(p))
                            && lastServers(all, 12, start, 5).equals(java.util.Set.of(p));
                });

        // (a) Primary dies while partitioned: both sides must end on the same server.
        java.sql.Timestamp ta = new java.sql.Timestamp(System.currentTimeMillis());
        db.primary().stop();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<Row> all = rows();
                    return lastServers(all, 11, ta, 5).equals(java.util.Set.of(sec))
                            && lastServers(all, 12, ta, 5).equals(java.util.Set.of(sec));
                });
        findings.add("partition (a): Primary stopped, both sides' writers ended on Secondary; " + lockLine(a) + " / "
                + lockLine(b));
        db.primary().start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> statusOf(a, "Primary").startsWith("UP")
                        && statusOf(b, "Primary").startsWith("UP"));

        // (b) An operator moves the writer on lbA only: lbB follows through the lock, or lbA's move is undone.
        java.sql.Timestamp tb = new java.sql.Timestamp(System.currentTimeMillis());
        assertThat(a.admin("set backend MySQL active-server Primary")).isBlank();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<Row> rows = rows();
                    java.util.Set<Integer> w11 = lastServers(rows, 11, tb, 5);
                    return w11.size() == 1 && w11.equals(lastServers(rows, 12, tb, 5));
                });
        // Let both write a little longer where they ended, then measure.
        java.util.Set<Integer> ended = lastServers(rows(), 11, tb, 5);
        List<Row> afterB = rows();
        long window = overlapMillis(afterB, tb, p, sec);
        findings.add("partition (b): operator moved lbA to Primary; both sides ended on server " + ended
                + "; both servers took writes at once for " + window + " ms");
        // Bound: the holder takes the lock at its next look, the other side sees it at its next one (WriterFence
        // INTERVAL each), plus the lock queries and one client round trip; 1.5 s leaves room for a loaded machine.
        assertThat(window).as("ms during which both servers took writes").isLessThanOrEqualTo(1500);

        // Asymmetric: the proxy holding the writer lock loses the server both write to; the other still reaches it.
        // The holder fails over and takes the lock on the other server; the other sees its old lock vanish, waits
        // for it to reappear (the fence's grace), sees it on the new server and follows.
        Node holder = a.admin("show peers").contains("lock=MySQL state=holding") ? a : b;
        int x = ended.iterator().next();
        int y = x == p ? sec : p;
        int portX = x == p ? 13306 : 13307;
        java.sql.Timestamp tc = new java.sql.Timestamp(System.currentTimeMillis());
        cutBridge(holder, portX);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<Row> rows = rows();
                    return lastServers(rows, 11, tc, 5).equals(java.util.Set.of(y))
                            && lastServers(rows, 12, tc, 5).equals(java.util.Set.of(y));
                });
        long asymmetric = overlapMillis(rows(), tc, p, sec);
        findings.add("partition, asymmetric: " + holder.name + " (the lock holder) lost server " + x
                + ", both sides ended on " + y + "; both servers took writes at once for " + asymmetric + " ms");
        // Bound: the holder's failover (its checks: inter 300 ms x fall 2 + timeout) plus two fence rounds.
        assertThat(asymmetric).as("ms during which both servers took writes").isLessThanOrEqualTo(3000);
        MariaDbServer serverX = x == p ? db.primary() : db.secondary();
        MariaDbServer serverY = y == p ? db.primary() : db.secondary();
        bridge(holder, portX, serverX);

        // Asymmetric the other way: the proxy that does not hold the lock loses the server both write to. It cannot
        // see the holder's writer lock there, but it sees the holder's claim on the other server: it writes nowhere
        // (new sessions wait, open ones are closed) rather than fail over on its own.
        Node adopter = other(holder);
        int portY = y == p ? 13306 : 13307;
        String nameY = y == p ? "Primary" : "Secondary";
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .alias("the holder claims " + serverX + " again once it reaches it")
                .until(() -> !serverX.queryForString("SELECT IFNULL(IS_USED_LOCK('understudy:MySQL:claim'), 'free')")
                        .equals("free"));
        java.sql.Timestamp td = new java.sql.Timestamp(System.currentTimeMillis());
        long t2 = System.nanoTime();
        cutBridge(adopter, portY);
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> statusOf(adopter, nameY).startsWith("DOWN")
                        && lockLine(adopter).contains("state=blocked"));
        long blocked = ms(t2);
        // Rows keep landing on y through the holder's side, and none on x from anyone.
        int holderSide = holder == a ? 11 : 12;
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(8))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> rows().stream().noneMatch(r -> r.sid() == x && r.ts().after(td)));
        assertThat(lastServers(rows(), holderSide, td, 5)).containsExactly(y);
        findings.add("partition, asymmetric the other way: " + adopter.name + " (not holding the lock) lost server " + y
                + ": checks DOWN and fence blocked after " + blocked + " ms; no row on " + x + " afterwards, while "
                + holder.name + "'s side kept writing on " + y + " (" + lockLine(adopter) + ")");
        java.sql.Timestamp te = new java.sql.Timestamp(System.currentTimeMillis());
        bridge(adopter, portY, serverY);
        // Back in reach: it follows the holder's lock again, and its writer resumes on y.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<Row> rows = rows();
                    return lastServers(rows, 11, te, 5).equals(java.util.Set.of(y))
                            && lastServers(rows, 12, te, 5).equals(java.util.Set.of(y));
                });
        assertThat(rows().stream().filter(r -> r.sid() == x && r.ts().after(td)))
                .isEmpty();

        // The partition heals: one MASTER again, the link is back, and both agree.
        lab.partition(false);
        long t1 = System.nanoTime();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> a.holdsVip() != b.holdsVip());
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> a.admin("show peers").contains("status=ESTA")
                        && b.admin("show peers").contains("status=ESTA"));
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> a.role().equals("MASTER") != b.role().equals("MASTER"));
        findings.add("partition healed: one VIP holder and the peer link back after " + ms(t1) + " ms");
        Files.writeString(stop, "");
        for (Process w : writers) {
            assertThat(w.waitFor(20, TimeUnit.SECONDS)).as("writer stopped").isTrue();
        }
    }

    @Test
    @Order(5)
    void messagesWithoutTheSecretOrOverTheBoundAreRefusedAndThePairKeepsServing() throws Exception {
        // From the client's namespace, a stranger talks to lbA's peer port: a frame longer than max-message, then a
        // well-formed message signed without the secret.
        Path oversize = lab.dir.resolve("oversize.bin");
        Files.write(oversize, new byte[] {0, 16, 0, 0, 1, 2, 3, 4});
        byte[] message = ("understudy-peer 1\nfrom lbB\nseq 1\nrole MASTER\nparent 0\nunderstudy-state 1\n"
                        + "epoch 999 by lbB\nserver MySQL/Primary maint\nend\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
        new java.io.DataOutputStream(frame).writeInt(message.length + 32);
        frame.write(message);
        frame.write(new byte[32]);
        Path forged = lab.dir.resolve("forged.bin");
        Files.write(forged, frame.toByteArray());
        String peer = PairLab.SUBNET + "11:7400";
        PairLab.Result big = lab.exec("cl", CLI, "sh", "-c", "socat -t 2 - TCP:" + peer + " < " + oversize);
        PairLab.Result bad = lab.exec("cl", CLI, "sh", "-c", "socat -t 2 - TCP:" + peer + " < " + forged);
        assertThat(big.output()).contains("refused message over peers.max-message");
        assertThat(bad.output()).contains("refused bad signature");
        assertThat(a.log()).contains("refused a message from " + PairLab.SUBNET + "50");
        // Nothing changed, the pair is still linked, and the VIP still answers.
        assertThat(statusOf(a, "Primary")).doesNotContain("MAINT");
        assertThat(a.admin("show peers")).contains("status=ESTA").doesNotContain("epoch=999");
        assertThat(serverIdThroughVip()).isPresent();
    }
}
