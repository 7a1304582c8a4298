package io.understudy.server.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small network of namespaces for the pair tests, after ../shared/reference/vrrp-netns.md: a switch namespace with
 * two bridges joined by a cable, and hosts {@code lbA} (10.77.0.11) and {@code cl} (10.77.0.50) on one, {@code lbB}
 * (10.77.0.12) and {@code cl2} (10.77.0.51) on the other. Nothing is
 * added to the root namespace. Every namespace, process and file it made is removed by {@link #close()}, by a shutdown
 * hook if the JVM exits without it, and namespaces left by a run that was killed are removed by the next run (their
 * names carry the creating JVM's pid).
 */
final class PairLab implements AutoCloseable {
    static final String SUBNET = "10.77.0.";
    static final String VIP = SUBNET + "100";
    private static final String FAMILY = "uspair";

    final String prefix;
    final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final Thread hook = new Thread(this::teardown, "pair-lab-cleanup");
    private boolean closed;

    PairLab() {
        removeLeftovers();
        prefix = FAMILY + ProcessHandle.current().pid() + "x"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000));
        try {
            // 0755, root-owned: keepalived refuses scripts in a directory others can write.
            dir = Files.createTempDirectory(
                    "understudy-pair-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            build();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    String ns(String host) {
        return prefix + "-" + host;
    }

    /**
     * Two switches joined by one cable: {@code br0} with lbA and client {@code cl}, {@code br1} with lbB and client
     * {@code cl2}. Cutting the cable ({@link #partition}) splits the pair (VRRP and the peer link) and leaves each
     * client with its side's proxy.
     */
    private void build() {
        for (String n : List.of("sw", "lbA", "lbB", "cl", "cl2")) {
            run("ip", "netns", "add", ns(n));
            namespaces.add(ns(n));
            run("ip", "-n", ns(n), "link", "set", "lo", "up");
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

    /** Starts {@code cmd} inside {@code host}'s namespace, output to {@code log}; killed at close. */
    Process spawn(String host, Path log, String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        all.addAll(List.of(cmd));
        try {
            Process p = new ProcessBuilder(all)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            synchronized (processes) {
                processes.add(p);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code cmd} inside {@code host}'s namespace and returns its exit code and output. */
    Result exec(String host, Duration limit, String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        all.addAll(List.of(cmd));
        return execute(all, limit);
    }

    record Result(int code, String output) {
        boolean ok() {
            return code == 0;
        }
    }

    static Result execute(List<String> cmd, Duration limit) {
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            // Read while it runs: a process whose output fills the pipe would never exit.
            java.util.concurrent.CompletableFuture<String> out =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            return "";
                        }
                    });
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + limit + ": " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("output of " + String.join(" ", cmd), e);
        }
    }

    static String run(String... cmd) {
        Result r = execute(List.of(cmd), Duration.ofSeconds(20));
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.code() + "): " + r.output());
        }
        return r.output();
    }

    /** Namespaces of earlier runs whose JVM is gone (killed before its cleanup ran). */
    private static void removeLeftovers() {
        Result r = execute(List.of("ip", "netns", "list"), Duration.ofSeconds(10));
        for (String line : r.output().split("\n")) {
            String name = line.split(" ")[0];
            if (!name.startsWith(FAMILY)) {
                continue;
            }
            String pid = name.substring(FAMILY.length()).replaceAll("x.*", "");
            boolean alive =
                    !pid.isEmpty() && ProcessHandle.of(Long.parseLong(pid)).isPresent();
            if (!alive) {
                killAll(name);
                execute(List.of("ip", "netns", "del", name), Duration.ofSeconds(10));
            }
        }
    }

    private static void killAll(String namespace) {
        Result pids = execute(List.of("ip", "netns", "pids", namespace), Duration.ofSeconds(10));
        for (String pid : pids.output().split("\\s+")) {
            if (pid.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        // keepalived first, with SIGTERM: it gives up the VIP cleanly; then everything else, then the namespaces.
        for (String n : namespaces) {
            Result pids = execute(List.of("ip", "netns", "pids", n), Duration.ofSeconds(10));
            for (String pid : pids.output().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> {
                        if (h.info().command().orElse("").endsWith("keepalived")) {
                            h.destroy();
                            // SIGTERM: keepalived sends priority 0 and removes the VIP; give it a moment.
                            h.onExit().completeOnTimeout(h, 3, TimeUnit.SECONDS).join();
                        }
                    });
                }
            }
        }
        synchronized (processes) {
            for (Process p : processes) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            for (Process p : processes) {
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (String n : namespaces) {
            killAll(n);
        }
        for (String n : namespaces) {
            execute(List.of("ip", "netns", "del", n), Duration.ofSeconds(10));
        }
        // The logs outlive the lab (target/pair-logs/<prefix>), so that a failed run can be read afterwards.
        try (Stream<Path> logs = Files.list(dir)) {
            Path keep = Path.of("target", "pair-logs", prefix);
            Files.createDirectories(keep);
            for (Path l : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
                Files.copy(l, keep.resolve(l.getFileName()));
            }
        } catch (IOException e) {
            // best effort
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp dir the OS cleans eventually
        }
    }

    /** Namespaces of this lab still present (for the test's own cleanup assertion). */
    List<String> remainingNamespaces() {
        String list =
                execute(List.of("ip", "netns", "list"), Duration.ofSeconds(10)).output();
        List<String> out = new ArrayList<>();
        for (String line : list.split("\n")) {
            if (line.startsWith(prefix)) {
                out.add(line.split(" ")[0]);
            }
        }
        return out;
    }

    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }
}
