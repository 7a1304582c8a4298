package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.FaultLab;
import io.understudy.testkit.MariaDbExtension;
import io.understudy.testkit.MariaDbServer;
import io.understudy.testkit.Socat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The failover soak (issue 15, build item 8): continuous writers through the proxy and a fault on the primary every
 * minute, kill -9, freeze (SIGSTOP) and blackhole in turn, each lasting 20 s. Every 10 s it samples the proxy's RSS,
 * threads, descriptors, Netty's direct memory and sessions into {@code target/soak/soak.csv}; at the end it checks
 * that no client was stuck, that the writes never ran on two servers at once, and that the samples are flat.
 * {@code scripts/soak.sh} runs it and plots the samples into {@code docs/soak.svg}. Tagged {@code soak}: not in the
 * default build ({@code -Dit.excludedGroups=} lifts that), 30 minutes by default ({@code -Dsoak.minutes=N}).
 */
@Tag("soak")
class SoakIT {
    private static final int MINUTES = Integer.getInteger("soak.minutes", 30);
    private static final int PRIMARY_PORT = 13306;
    private static final int BACKUP_PORT = 13307;
    private static final int PROXY_PORT = 3306;
    private static final int METRICS_PORT = 8404;
    private static final int WRITERS = 4;
    private static final Pattern DIRECT =
            Pattern.compile("(?m)^netty_allocator_memory_used[a-z_]*\\{[^}]*memory_type=\"direct\"[^}]*} ([0-9.E+]+)");

    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup(
            // Row-based: a row the backup replicated keeps the primary's @@server_id even if the primary, killed,
            // lost it (the fixture's servers are not durable); statement-based would re-evaluate it there.
            b -> b.option("max_connections", 500).option("binlog_format", "ROW"));

    private FaultLab lab;
    private ProxyProcess proxy;

    @AfterEach
    void cleanUp() {
        if (proxy != null) {
            proxy.close();
        }
        if (lab != null) {
            lab.close();
            assertThat(lab.remainingNamespaces()).isEmpty();
        }
    }

    @Test
    void failoversEveryMinuteLeaveNoClientStuckNoDoubleWriterAndFlatResources() throws Exception {
        db.primary()
                .execute(
                        "CREATE DATABASE soak",
                        "CREATE TABLE soak.w (writer INT NOT NULL, seq INT NOT NULL, sid INT NOT NULL,"
                                + " ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (writer, seq))");
        lab = new FaultLab();
        lab.bridge(PRIMARY_PORT, db.primary());
        lab.bridge(BACKUP_PORT, db.backup());
        Path out = Paths.get("target", "soak").toAbsolutePath();
        Files.createDirectories(out);
        Path conf = lab.dir.resolve("understudy.conf");
        Files.writeString(
                conf,
                """
                admin.sockets = [ { path = "%s", level = admin } ]
                metrics { bind = "127.0.0.1:%d" }
                defaults.check { type = mysql, user = haproxy }
                listen.MySQL {
                  bind = "127.0.0.1:%d"
                  servers = [
                    { name = Primary, address = "127.0.0.1:%d" }
                    { name = Secondary, address = "127.0.0.1:%d", backup = true }
                  ]
                }
                """
                        .formatted(lab.dir.resolve("admin.sock"), METRICS_PORT, PROXY_PORT, PRIMARY_PORT, BACKUP_PORT));
        // The memory budget bin/understudy gives the JVM, so that the samples are what an installation would see.
        proxy = ProxyProcess.startInNamespace(
                lab.ns(FaultLab.HOST),
                List.of("-Xmx256m", "-XX:MaxDirectMemorySize=512m"),
                lab.dir,
                "-c",
                conf.toString());
        proxy.awaitListening("MySQL");
        await().atMost(Duration.ofSeconds(20)).until(() -> stat().contains(",UP,"));

        Path stop = lab.dir.resolve("stop");
        List<Process> writers = new ArrayList<>();
        for (int i = 1; i <= WRITERS; i++) {
            writers.add(writer(i, stop));
        }
        Timeline timeline = new Timeline(out.resolve("soak.csv"));
        // Every 10 s on a fixed-rate schedule: a sample, and a fault injected or lifted when its minute says so.
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        try {
            ticks.scheduleAtFixedRate(timeline::tick, 0, 10, TimeUnit.SECONDS);
            timeline.done.get(MINUTES + 2L, TimeUnit.MINUTES);
        } finally {
            ticks.shutdownNow();
            ticks.awaitTermination(30, TimeUnit.SECONDS);
        }
        timeline.recover();
        List<String> samples = timeline.samples;
        List<String> faults = timeline.faults;
        List<java.time.LocalDateTime> thaws = timeline.thaws;
        Files.writeString(stop, "");
        for (Process w : writers) {
            assertThat(w.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }

        Outcome outcome = outcome();
        List<Row> rows = rows();
        List<Run> runs = runs(rows);
        List<Run> strays = strays(runs);
        java.util.Set<String> acknowledged = acknowledged();
        long strayRows = strays.stream().mapToLong(Run::writes).sum();
        long strayAcknowledged = rows.stream()
                .filter(r -> strays.stream().anyMatch(run -> inside(r, run)))
                .filter(r -> acknowledged.contains(r.writer() + "/" + r.seq()))
                .count();
        List<Run> strayNotAtThaw = strays.stream()
                .filter(run -> thaws.stream().noneMatch(t -> startsAfter(run, t, Duration.ofSeconds(2))))
                .toList();
        String summary = String.format(
                "soak %d min, %d writers, %d faults (%s): %d writes ok, %d errors, %d stuck (30 s), %d rows, %d"
                        + " writer runs (one server at a time; at most %d allowed); %d stray runs of %d rows out of turn"
                        + " (%d acknowledged, %d not within 2 s after a thaw): %s; runs: %s; samples: %s%n",
                MINUTES,
                WRITERS,
                faults.size(),
                String.join(", ", faults),
                outcome.ok(),
                outcome.errors(),
                outcome.stuck(),
                rows.size(),
                runs.size(),
                2 * faults.size() + 1,
                strays.size(),
                strayRows,
                strayAcknowledged,
                strayNotAtThaw.size(),
                strays,
                runs,
                flatness(samples));
        Files.writeString(out.resolve("summary.txt"), summary);
        System.out.print(summary);

        assertThat(outcome.stuck()).as("clients stuck for 30 s").isZero();
        assertThat((long) rows.size())
                .as("every acknowledged write is on a server")
                .isGreaterThanOrEqualTo(outcome.ok());
        // No client was ever told a write succeeded on a server that was not the writer.
        assertThat(strayAcknowledged).as("acknowledged writes out of turn").isZero();
        // And the writes moved only at failovers and failbacks: a server that was not the writer ran nothing, except
        // what no proxy can take back, a statement already delivered to a frozen server, which runs when it thaws
        // (its client had its error when the writer moved). Those are reported above, and the soak fails on them: the
        // issue's rule is zero writes on two servers, and only fencing the frozen server could give it.
        assertThat(runs.size())
                .as(
                        "runs of consecutive writes on one server: writes moved only at failovers and failbacks (stray"
                                + " runs, all at a thaw: %s)",
                        strays)
                .isLessThanOrEqualTo(2 * faults.size() + 1);
        assertFlat(samples);
    }

    /** The soak's schedule and what it recorded; touched only by the one scheduler thread until {@link #done}. */
    private final class Timeline {
        final List<String> samples =
                new ArrayList<>(List.of("seconds,rss_kib,threads,fds,direct_bytes,sessions,fault"));
        final List<String> faults = new ArrayList<>();
        final List<java.time.LocalDateTime> thaws = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final Path csv;
        private final long start = System.nanoTime();
        private String fault = "none";
        private int minute;

        Timeline(Path csv) {
            this.csv = csv;
        }

        void tick() {
            try {
                long second = (System.nanoTime() - start) / 1_000_000_000L;
                if (second >= MINUTES * 60L) {
                    done.complete(null);
                    throw new CancellationException("soak over");
                }
                int nowMinute = (int) (second / 60);
                if (nowMinute > minute) {
                    minute = nowMinute;
                    fault = List.of("kill -9", "freeze", "blackhole").get((minute - 1) % 3);
                    faults.add(second + "s " + fault);
                    inject(fault);
                } else if (second % 60 >= 20) {
                    recover();
                }
                samples.add(second + "," + proxy.rssKib() + "," + proxy.threads() + "," + proxy.openFds() + ","
                        + direct() + "," + sessions() + "," + (fault.equals("none") ? "" : fault));
                Files.write(csv, samples);
            } catch (CancellationException e) {
                throw e;
            } catch (Exception | AssertionError e) {
                done.completeExceptionally(e);
                throw new CancellationException(e.toString());
            }
        }

        /** Lifts the fault in force, if any. */
        void recover() {
            if (fault.equals("freeze")) {
                thaws.add(java.time.LocalDateTime.now());
            }
            if (!fault.equals("none")) {
                SoakIT.this.recover(fault);
            }
            fault = "none";
        }
    }

    private void inject(String fault) {
        switch (fault) {
            case "kill -9" -> db.primary().kill9();
            case "freeze" -> db.primary().freeze();
            case "blackhole" -> lab.blackhole(PRIMARY_PORT);
            default -> throw new IllegalArgumentException(fault);
        }
    }

    private void recover(String fault) {
        switch (fault) {
            case "kill -9" -> db.primary().restart();
            case "freeze" -> db.primary().thaw();
            case "blackhole" -> lab.heal();
            default -> throw new IllegalArgumentException(fault);
        }
    }

    /**
     * A writer in the namespace: one connection per insert, each given 30 s before it counts as stuck; one line per
     * attempt in {@code writer-<i>.out}: its sequence number and exit code (124: stuck).
     */
    private Process writer(int i, Path stop) {
        String script =
                """
                seq=0
                while [ ! -e %s ]; do
                  seq=$((seq + 1))
                  timeout 30 mariadb -h 127.0.0.1 -P %d -u app -papp --connect-timeout=30 -N -B \\
                    -e "INSERT INTO soak.w (writer, seq, sid) VALUES (%d, $seq, @@server_id)" >/dev/null 2>&1
                  echo "$seq $?"
                done > %s
                """
                        .formatted(stop, PROXY_PORT, i, lab.dir.resolve("writer-" + i + ".out"));
        return lab.spawn(lab.dir.resolve("writer-" + i + ".log"), "bash", "-c", script);
    }

    record Outcome(long ok, long errors, long stuck) {}

    private Outcome outcome() throws Exception {
        long ok = 0;
        long errors = 0;
        long stuck = 0;
        for (int i = 1; i <= WRITERS; i++) {
            for (String line : Files.readAllLines(lab.dir.resolve("writer-" + i + ".out"))) {
                String rc = line.substring(line.indexOf(' ') + 1);
                if (rc.equals("0")) {
                    ok++;
                } else if (rc.equals("124")) {
                    stuck++;
                } else {
                    errors++;
                }
            }
        }
        return new Outcome(ok, errors, stuck);
    }

    record Row(int writer, int seq, int sid, String ts) {}

    /** Every write, from both servers (the backup replicates the primary's; its own are only there). */
    private List<Row> rows() {
        Map<String, Row> all = new HashMap<>();
        for (MariaDbServer s : db.servers()) {
            for (Map<String, Object> r : s.queryForRows("SELECT writer, seq, sid, CAST(ts AS CHAR) t FROM soak.w")) {
                Row row = new Row(
                        ((Number) r.get("writer")).intValue(),
                        ((Number) r.get("seq")).intValue(),
                        ((Number) r.get("sid")).intValue(),
                        String.valueOf(r.get("t")));
                all.putIfAbsent(row.writer() + "/" + row.seq(), row);
            }
        }
        return new ArrayList<>(all.values());
    }

    /** A run of consecutive writes (by time) that landed on one server. */
    record Run(int sid, int writes, String first, String last) {}

    /** The runs of consecutive writes (by time) on one server. */
    static List<Run> runs(List<Row> rows) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(Row::ts));
        List<Run> runs = new ArrayList<>();
        for (Row r : sorted) {
            Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.sid() == r.sid()) {
                runs.set(runs.size() - 1, new Run(r.sid(), last.writes() + 1, last.first(), r.ts()));
            } else {
                runs.add(new Run(r.sid(), 1, r.ts(), r.ts()));
            }
        }
        return runs;
    }

    /** Short runs between two runs of the same other server: writes that landed on a server out of turn. */
    static List<Run> strays(List<Run> runs) {
        List<Run> out = new ArrayList<>();
        for (int i = 1; i + 1 < runs.size(); i++) {
            if (runs.get(i - 1).sid() == runs.get(i + 1).sid() && runs.get(i).writes() <= WRITERS) {
                out.add(runs.get(i));
            }
        }
        return out;
    }

    private static boolean inside(Row r, Run run) {
        return r.sid() == run.sid() && r.ts().compareTo(run.first()) >= 0 && r.ts().compareTo(run.last()) <= 0;
    }

    /** Whether {@code run} started within {@code slack} after {@code thaw} (database and JVM share the clock). */
    private static boolean startsAfter(Run run, java.time.LocalDateTime thaw, Duration slack) {
        java.time.LocalDateTime first =
                java.time.LocalDateTime.parse(run.first().replace(' ', 'T'));
        return !first.isBefore(thaw.minus(Duration.ofMillis(100))) && first.isBefore(thaw.plus(slack));
    }

    /** The writes whose client was told they succeeded: "writer/seq". */
    private java.util.Set<String> acknowledged() throws Exception {
        java.util.Set<String> ok = new java.util.HashSet<>();
        for (int i = 1; i <= WRITERS; i++) {
            for (String line : Files.readAllLines(lab.dir.resolve("writer-" + i + ".out"))) {
                String[] f = line.split(" ");
                if (f.length == 2 && f[1].equals("0")) {
                    ok.add(i + "/" + f[0]);
                }
            }
        }
        return ok;
    }

    /** Samples from here on are compared: five minutes in, or half-way through a shorter run. */
    private static final long SETTLED_SECONDS = Math.min(300, MINUTES * 30L);

    /** After the first five minutes: the largest and smallest RSS, threads and descriptors. */
    private static String flatness(List<String> samples) {
        long[] min = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
        long[] max = {0, 0, 0, 0};
        for (String s : samples.subList(1, samples.size())) {
            String[] f = s.split(",", -1);
            if (Long.parseLong(f[0]) < SETTLED_SECONDS) {
                continue;
            }
            for (int i = 0; i < 4; i++) {
                long v = Long.parseLong(f[i + 1]);
                min[i] = Math.min(min[i], v);
                max[i] = Math.max(max[i], v);
            }
        }
        return String.format(
                "after %d s: RSS %d..%d KiB, threads %d..%d, fds %d..%d, direct %d..%d bytes",
                SETTLED_SECONDS, min[0], max[0], min[1], max[1], min[2], max[2], min[3], max[3]);
    }

    /**
     * From the 5th minute to the end: RSS grows by at most 10%, threads by at most 2, descriptors by at most 8 (the
     * sessions open at a sample vary), Netty's direct memory by at most 16 MiB.
     */
    private static void assertFlat(List<String> samples) {
        List<long[]> late = new ArrayList<>();
        for (String s : samples.subList(1, samples.size())) {
            String[] f = s.split(",", -1);
            if (Long.parseLong(f[0]) >= SETTLED_SECONDS) {
                late.add(new long[] {
                    Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])
                });
            }
        }
        if (late.size() < 2) {
            return;
        }
        long[] first = late.get(0);
        long maxRss = late.stream().mapToLong(v -> v[0]).max().orElseThrow();
        long maxThreads = late.stream().mapToLong(v -> v[1]).max().orElseThrow();
        assertThat(maxRss).as("RSS after the 5th minute").isLessThanOrEqualTo(first[0] * 11 / 10);
        assertThat(maxThreads).as("threads after the 5th minute").isLessThanOrEqualTo(first[1] + 2);
        long maxFds = late.stream().mapToLong(v -> v[2]).max().orElseThrow();
        assertThat(maxFds).as("descriptors after the 5th minute").isLessThanOrEqualTo(first[2] + 8);
        long maxDirect = late.stream().mapToLong(v -> v[3]).max().orElseThrow();
        assertThat(maxDirect).as("direct memory after the 5th minute").isLessThanOrEqualTo(first[3] + (16L << 20));
    }

    private String stat() {
        return Socat.send(lab.dir.resolve("admin.sock"), "show stat\n");
    }

    private long sessions() {
        long n = 0;
        for (String line : stat().split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > 4 && f[0].equals("MySQL") && !f[1].equals("FRONTEND") && !f[1].equals("BACKEND")) {
                n += Long.parseLong(f[4]);
            }
        }
        return n;
    }

    private long direct() {
        String scrape = lab.exec(
                        FaultLab.HOST,
                        Duration.ofSeconds(5),
                        "curl",
                        "-s",
                        "--max-time",
                        "3",
                        "http://127.0.0.1:" + METRICS_PORT + "/metrics")
                .output();
        long sum = 0;
        Matcher m = DIRECT.matcher(scrape);
        while (m.find()) {
            sum += (long) Double.parseDouble(m.group(1));
        }
        return sum;
    }
}
