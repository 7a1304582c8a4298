package io.understudy.server.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged proxy ({@code target/understudy.jar}) run as its own process, as an operator runs it: for exit codes,
 * signals, RSS and file-descriptor counts. Always killed on close.
 */
final class ProxyProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("frontend '([^']+)' listening on /[0-9.]+:(\\d+)");

    private final Process process;
    private final Path log;

    private ProxyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Path jar() {
        Path jar = Paths.get("target", "understudy.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " missing: integration tests run after 'mvn package'");
        }
        return jar;
    }

    /** Starts {@code understudy [args]}, output to a log file in {@code dir}. */
    static ProxyProcess start(Path dir, String... args) {
        return start(List.of(), List.of(), dir, args);
    }

    /** Starts {@code understudy [args]} with extra JVM options (a heap budget, say). */
    static ProxyProcess startWithJvmOptions(List<String> jvm, Path dir, String... args) {
        return start(List.of(), jvm, dir, args);
    }

    /** Starts {@code understudy [args]} with at most {@code nofile} open files ({@code prlimit}, soft and hard). */
    static ProxyProcess startWithFileLimit(int nofile, Path dir, String... args) {
        return start(List.of("prlimit", "--nofile=" + nofile + ":" + nofile), List.of(), dir, args);
    }

    /** Starts {@code understudy [args]} inside network namespace {@code namespace} (its full name). */
    static ProxyProcess startInNamespace(String namespace, Path dir, String... args) {
        return start(List.of("ip", "netns", "exec", namespace), List.of(), dir, args);
    }

    /** Starts {@code understudy [args]} inside network namespace {@code namespace} with extra JVM options. */
    static ProxyProcess startInNamespace(String namespace, List<String> jvm, Path dir, String... args) {
        return start(List.of("ip", "netns", "exec", namespace), jvm, dir, args);
    }

    private static ProxyProcess start(List<String> prefix, List<String> jvm, Path dir, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        // A proxy started from a background job or under nohup would inherit SIGINT, SIGQUIT or SIGHUP ignored, and
        // the JVM keeps an inherited ignore: restore the defaults an operator's shell gives, so signal tests test.
        cmd.addAll(List.of("env", "--default-signal=HUP,INT,QUIT"));
        cmd.addAll(List.of(javaBin(), "-Dio.netty.leakDetection.level=paranoid", "-XX:+UseSerialGC"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-jar", jar().toString()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("proxy-" + System.nanoTime() + ".log");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new ProxyProcess(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits for the "listening" log line of {@code frontend} and returns its port. */
    int awaitListening(String frontend) {
        int[] port = {-1};
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("proxy exited with " + process.exitValue() + ":\n" + log());
                    }
                    Matcher m = LISTENING.matcher(log());
                    while (m.find()) {
                        if (m.group(1).equals(frontend)) {
                            port[0] = Integer.parseInt(m.group(2));
                            return true;
                        }
                    }
                    return false;
                });
        return port[0];
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size from /proc, in KiB. */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc", String.valueOf(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid());
    }

    /** Threads of the process, from /proc. */
    long threads() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc", String.valueOf(pid()), "status"))) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no Threads line for " + pid());
    }

    /** Open file descriptors of the process (sockets included). */
    long openFds() throws IOException {
        try (var s = Files.list(Paths.get("/proc", String.valueOf(pid()), "fd"))) {
            return s.count();
        }
    }

    long sockets() throws IOException {
        try (var s = Files.list(Paths.get("/proc", String.valueOf(pid()), "fd"))) {
            return s.filter(p -> {
                        try {
                            return Files.readSymbolicLink(p).toString().startsWith("socket:");
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .count();
        }
    }

    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, String.valueOf(pid()))
                .inheritIO()
                .start()
                .waitFor(10, TimeUnit.SECONDS);
    }

    /** Waits for exit and returns the exit code. */
    int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("proxy still running after " + limit + ":\n" + log());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
