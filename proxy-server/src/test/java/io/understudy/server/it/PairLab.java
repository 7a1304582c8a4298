package io.understudy.server.it;

import io.understudy.testkit.NetnsLab;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small network of namespaces for the pair tests, after ../shared/reference/vrrp-netns.md: a switch namespace with
 * two bridges joined by a cable, and hosts {@code lbA} (10.77.0.11) and {@code cl} (10.77.0.50) on one, {@code lbB}
 * (10.77.0.12) and {@code cl2} (10.77.0.51) on the other. Cleanup is {@link NetnsLab}'s, keepalived first.
 */
final class PairLab extends NetnsLab {
    static final String SUBNET = "10.77.0.";
    static final String VIP = SUBNET + "100";

    PairLab() {
        super("uspair", "pair-logs");
        try {
            build();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Two switches joined by one cable: {@code br0} with lbA and client {@code cl}, {@code br1} with lbB and client
     * {@code cl2}. Cutting the cable ({@link #partition}) splits the pair (VRRP and the peer link) and leaves each
     * client with its side's proxy.
     */
    private void build() {
        for (String n : List.of("sw", "lbA", "lbB", "cl", "cl2")) {
            addNamespace(n);
        }
        for (String br : List.of("br0", "br1")) {
            run("ip", "-n", ns("sw"), "link", "add", br, "type", "bridge");
            run("ip", "-n", ns("sw"), "link", "set", br, "up");
        }
        run("ip", "-n", ns("sw"), "link", "add", "x0", "type", "veth", "peer", "name", "x1");
        run("ip", "-n", ns("sw"), "link", "set", "x0", "master", "br0");
        run("ip", "-n", ns("sw"), "link", "set", "x1", "master", "br1");
        run("ip", "-n", ns("sw"), "link", "set", "x0", "up");
        run("ip", "-n", ns("sw"), "link", "set", "x1", "up");
        host("lbA", 11, "br0");
        host("lbB", 12, "br1");
        host("cl", 50, "br0");
        host("cl2", 51, "br1");
    }

    /** Cuts (or mends) the cable between the two switches. */
    void partition(boolean cut) {
        run("ip", "-n", ns("sw"), "link", "set", "x0", cut ? "down" : "up");
    }

    private void host(String name, int octet, String bridge) {
        run(
                "ip",
                "link",
                "add",
                "eth0",
                "netns",
                ns(name),
                "type",
                "veth",
                "peer",
                "name",
                "p-" + name,
                "netns",
                ns("sw"));
        run("ip", "-n", ns("sw"), "link", "set", "p-" + name, "master", bridge);
        run("ip", "-n", ns("sw"), "link", "set", "p-" + name, "up");
        run("ip", "-n", ns(name), "addr", "add", SUBNET + octet + "/24", "dev", "eth0");
        run("ip", "-n", ns(name), "link", "set", "eth0", "up");
    }

    /** Takes {@code host} off the switch (its port down) or puts it back. */
    void link(String host, boolean up) {
        run("ip", "-n", ns("sw"), "link", "set", "p-" + host, up ? "up" : "down");
    }

    /** keepalived first, with SIGTERM: it gives up the VIP cleanly (priority 0) before everything else is killed. */
    @Override
    protected void beforeTeardown(List<String> namespaceNames) {
        for (String n : namespaceNames) {
            Result pids = execute(List.of("ip", "netns", "pids", n), Duration.ofSeconds(10));
            for (String pid : pids.output().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> {
                        if (h.info().command().orElse("").endsWith("keepalived")) {
                            h.destroy();
                            h.onExit().completeOnTimeout(h, 3, TimeUnit.SECONDS).join();
                        }
                    });
                }
            }
        }
    }
}
