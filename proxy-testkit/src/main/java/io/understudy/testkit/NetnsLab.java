package io.understudy.testkit;

import java.io.File;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Network namespaces made for one test, and the processes started in them (after ../shared/reference/vrrp-netns.md).
 * Nothing is added to the root namespace. Every namespace, process and file it made is removed by {@link #close()}, by
 * a shutdown hook if the JVM exits without it, and namespaces left by a run that was killed are removed by the next
 * run of the same family (their names carry the creating JVM's pid). Needs root, {@code ip} and, for the fault
 * helpers of subclasses, {@code nft}.
 */
public class NetnsLab implements AutoCloseable {
    /** Names of this lab's namespaces start with this (family, pid, a counter), then {@code -host}. */
    public final String prefix;
    /** A directory for configurations, sockets and logs (0755: keepalived refuses scripts in one others can write). */
    public final Path dir;

    private static final java.util.concurrent.atomic.AtomicInteger LABS =
            new java.util.concurrent.atomic.AtomicInteger();
    private final String family;
    private final String logsUnder;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final Thread hook = new Thread(this::teardown, "netns-lab-cleanup");
    private boolean closed;

    /**
     * @param family a short name, unique to the kind of lab, that namespaces left behind are recognised by
     * @param logsUnder where the logs of the lab's processes are kept after close ({@code target/<logsUnder>/<prefix>})
     */
    protected NetnsLab(String family, String logsUnder) {
        this.family = family;
        this.logsUnder = logsUnder;
        removeLeftovers(family);
        // The pid tells a dead run's leftovers; the counter keeps two labs of one JVM apart.
        prefix = family + ProcessHandle.current().pid() + "x" + LABS.incrementAndGet();
        try {
            dir = Files.createTempDirectory(
                    "understudy-" + family + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The full name of this lab's namespace {@code host}. */
    public String ns(String host) {
        return prefix + "-" + host;
    }

    /** Creates namespace {@code host} with its loopback up. */
    protected void addNamespace(String host) {
        run("ip", "netns", "add", ns(host));
        synchronized (namespaces) {
            namespaces.add(ns(host));
        }
        run("ip", "-n", ns(host), "link", "set", "lo", "up");
    }

    /** Starts {@code cmd} inside {@code host}'s namespace, output to {@code log}; killed at close. */
    public Process spawn(String host, Path log, String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        all.addAll(List.of(cmd));
        try {
            Process p = new ProcessBuilder(all)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
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
    public Result exec(String host, Duration limit, String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        all.addAll(List.of(cmd));
        return execute(all, limit);
    }

    /** Runs {@code cmd} inside {@code host}'s namespace; fails unless it exits 0. */
    public String runIn(String host, String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        all.addAll(List.of(cmd));
        return run(all.toArray(String[]::new));
    }

    /** A command's exit code and output (stdout and stderr together). */
    public record Result(int code, String output) {
        public boolean ok() {
            return code == 0;
        }
    }

    /** Runs {@code cmd} (in the root namespace) for at most {@code limit}. */
    public static Result execute(List<String> cmd, Duration limit) {
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            // Read while it runs: a process whose output fills the pipe would never exit.
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
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
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("output of " + String.join(" ", cmd), e);
        }
    }

    /** Runs {@code cmd} (in the root namespace); fails unless it exits 0 within 20 s. */
    public static String run(String... cmd) {
        Result r = execute(List.of(cmd), Duration.ofSeconds(20));
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.code() + "): " + r.output());
        }
        return r.output();
    }

    /** Namespaces of earlier runs of {@code family} whose JVM is gone (killed before its cleanup ran). */
    private static void removeLeftovers(String family) {
        Result r = execute(List.of("ip", "netns", "list"), Duration.ofSeconds(10));
        for (String line : r.output().split("\n")) {
            String name = line.split(" ")[0];
            if (!name.startsWith(family)) {
                continue;
            }
            String pid = name.substring(family.length()).replaceAll("x.*", "");
            boolean alive =
                    pid.matches("\\d+") && ProcessHandle.of(Long.parseLong(pid)).isPresent();
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

    /** Called first at close, while every process still runs: a subclass stops what must stop gently. */
    protected void beforeTeardown(List<String> namespaceNames) {}

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> all;
        synchronized (namespaces) {
            all = List.copyOf(namespaces);
        }
        try {
            beforeTeardown(all);
        } catch (RuntimeException e) {
            // cleanup goes on regardless
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
        for (String n : all) {
            killAll(n);
        }
        for (String n : all) {
            execute(List.of("ip", "netns", "del", n), Duration.ofSeconds(10));
        }
        // The logs outlive the lab (target/<logsUnder>/<prefix>), so that a failed run can be read afterwards.
        try (Stream<Path> logs = Files.list(dir)) {
            Path keep = Path.of("target", logsUnder, prefix);
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

    /** Namespaces of this lab still present (for a test's own cleanup assertion). */
    public List<String> remainingNamespaces() {
        String list =
                execute(List.of("ip", "netns", "list"), Duration.ofSeconds(10)).output();
        List<String> out = new ArrayList<>();
        for (String line : list.split("\n")) {
            if (line.startsWith(prefix + "-")) {
                out.add(line.split(" ")[0]);
            }
        }
        return out;
    }

    /** Whether namespaces of {@code family} made by this JVM are left (none should be after close). */
    public static boolean anyLeft(String family) {
        String mine = family + ProcessHandle.current().pid() + "x";
        return execute(List.of("ip", "netns", "list"), Duration.ofSeconds(10))
                .output()
                .lines()
                .anyMatch(l -> l.startsWith(mine));
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
