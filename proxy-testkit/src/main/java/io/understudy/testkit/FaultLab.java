package io.understudy.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One network namespace, {@code lb}, where a proxy and its clients run, with each MariaDB server (running in the root
 * namespace, reached through its Unix socket) bridged to a TCP port on the namespace's loopback by {@code socat}. The
 * TCP leg between the proxy and a server's bridge is a real kernel TCP connection, so faults injected on it with
 * nftables behave as they would on a wire: random loss (retransmissions, the 1 s SYN timeout), a blackhole (every
 * packet dropped: connects and reads hang), or resets. Faults apply to one server's port, both directions, and only
 * inside this lab's namespace.
 *
 * <p>This kernel may lack {@code sch_netem} (it does on the CI machines: "Specified qdisc kind is unknown"), so loss
 * uses nftables' {@code numgen random}, latency comes from a {@link DelayLine} put behind the bridge, and reordering is
 * not offered.
 */
public final class FaultLab extends NetnsLab {
    public static final String HOST = "lb";
    private static final String TABLE = "understudy_faults";
    private final List<Process> bridges = new ArrayList<>();

    public FaultLab() {
        super("usfault", "fault-logs");
        try {
            addNamespace(HOST);
            nft("add", "table", "inet", TABLE);
            // On loopback every packet passes the output hook once: a rule on a port there is one direction's fault.
            nft("add", "chain", "inet", TABLE, "out", "{ type filter hook output priority 0 ; policy accept ; }");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Bridges {@code port} on the namespace's 127.0.0.1 to {@code server}'s Unix socket; waits until it listens. */
    public void bridge(int port, MariaDbServer server) {
        bridge(port, server.directory().resolve("mysqld.sock"));
    }

    /**
     * Bridges {@code port} on the namespace's 127.0.0.1 to the Unix socket {@code socket} (a server's, or a {@link
     * DelayLine} in front of one); waits until it listens.
     */
    public void bridge(int port, Path socket) {
        Process p = spawn(
                HOST,
                dir.resolve("socat-" + port + ".log"),
                "socat",
                "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork,backlog=512",
                "UNIX-CONNECT:" + socket);
        bridges.add(p);
        Poll.until("socat listening on " + port, Duration.ofSeconds(10), () -> listening(port), () -> "");
    }

    /** Whether something listens on {@code port} in the namespace. */
    public boolean listening(int port) {
        return exec(HOST, Duration.ofSeconds(5), "ss", "-Htln", "sport = :" + port)
                .output()
                .contains(":" + port);
    }

    /** Drops {@code perMille}/1000 of the packets to and from {@code port}, independently, each way. */
    public void loss(int port, int perMille) {
        bothWays(port, "numgen", "random", "mod", "1000", "<", Integer.toString(perMille), "counter", "drop");
    }

    /** Drops every packet to and from {@code port}: a host that vanished (power cut, cable pulled). */
    public void blackhole(int port) {
        bothWays(port, "counter", "drop");
    }

    /** Adds a rule matching packets to {@code port} and one matching packets from it, each ending in {@code rule}. */
    private void bothWays(int port, String... rule) {
        for (String dir : List.of("dport", "sport")) {
            List<String> args = new ArrayList<>(List.of("add", "rule", "inet", TABLE, "out", "tcp", dir));
            args.add(Integer.toString(port));
            args.addAll(List.of(rule));
            nft(args.toArray(String[]::new));
        }
    }

    /** Answers every packet to {@code port} with a reset: a host whose server process is gone. */
    public void reset(int port) {
        nft(
                "add",
                "rule",
                "inet",
                TABLE,
                "out",
                "tcp",
                "dport",
                Integer.toString(port),
                "counter",
                "reject",
                "with",
                "tcp",
                "reset");
    }

    /** Removes every fault. */
    public void heal() {
        nft("flush", "chain", "inet", TABLE, "out");
    }

    /** The rules in place with their packet counters, for a test's report. */
    public String rules() {
        return runIn(HOST, "nft", "list", "chain", "inet", TABLE, "out");
    }

    /** Starts the proxy (or anything) in the namespace: {@link #spawn} on {@link #HOST}. */
    public Process spawn(Path log, String... cmd) {
        return spawn(HOST, log, cmd);
    }

    private void nft(String... args) {
        List<String> cmd = new ArrayList<>(List.of("nft"));
        cmd.addAll(List.of(args));
        runIn(HOST, cmd.toArray(String[]::new));
    }
}
