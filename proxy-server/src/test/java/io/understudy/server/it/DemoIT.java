package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.understudy.testkit.FreePorts;
import io.understudy.testkit.MariaDbCli;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/demo.sh}, the README's "try it" command, run as a new user runs it: start it, paste the command it
 * prints, write through the proxy, follow its failover hint, press Ctrl-C, and find nothing left behind.
 *
 * <p>The demo runs with {@code DEMO_SKIP_BUILD=1}: the jar under test is the one this build just packaged, and a
 * rebuild in the middle of {@code mvn verify} (sources edited since) would replace it under the other tests' feet.
 * Its {@code TMPDIR} is a directory of this test, so whatever the demo leaves behind can be found and removed even if
 * the demo never prints where its files are.
 */
@Timeout(300)
class DemoIT {
    /** The working directory of failsafe is {@code proxy-server/}. */
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private static final Pattern WORK_DIR = Pattern.compile("demo files: (\\S+) ");
    private static final Pattern KILL_PRIMARY = Pattern.compile("(?m)^\\s+kill (\\d+)$");

    @TempDir
    Path dir;

    @Test
    void demoServesThroughTheProxyReplicatesFailsOverAndLeavesNothingBehindOnCtrlC() throws Exception {
        int primaryPort = FreePorts.find();
        int secondaryPort = FreePorts.find();
        int proxyPort = FreePorts.find();
        Path tmpBase = Files.createDirectory(dir.resolve("tmp"));
        Path output = dir.resolve("demo.out");
        // A terminal delivers Ctrl-C as SIGINT with the default disposition; a process started from a background job
        // may inherit SIGINT as ignored, which bash then cannot trap. env resets it, as a terminal would have it.
        ProcessBuilder builder = new ProcessBuilder(
                        "env",
                        "--default-signal=INT",
                        REPO.resolve("scripts/demo.sh").toString())
                .directory(REPO.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("DEMO_PRIMARY_PORT", Integer.toString(primaryPort));
        env.put("DEMO_SECONDARY_PORT", Integer.toString(secondaryPort));
        env.put("DEMO_PROXY_PORT", Integer.toString(proxyPort));
        env.put("DEMO_SKIP_BUILD", "1");
        env.put("TMPDIR", tmpBase.toString());
        env.keySet().removeIf(k -> k.startsWith("MYSQL_") || k.startsWith("MARIADB_"));

        long start = System.nanoTime();
        Process demo = builder.start();
        try {
            String connectHint = "mariadb -h 127.0.0.1 -P " + proxyPort + " -u app -papp -e 'select @@server_id'";
            await("the demo to print how to connect")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!demo.isAlive()) {
                            fail("demo.sh exited with " + demo.exitValue() + ":\n" + read(output));
                        }
                        return read(output).contains(connectHint);
                    });
            System.out.printf("demo.sh printed the connect hint after %d ms%n", elapsedMs(start));
            String printed = read(output);
            Path workDir = Path.of(group(WORK_DIR, printed));
            assertThat(workDir).startsWith(tmpBase).isDirectory();

            // The printed command, pasted into a shell: the Primary answers through the proxy.
            assertThat(shell(connectHint)).isEqualTo("@@server_id\n1\n");

            // A write through the proxy reaches the Secondary by replication.
            MariaDbCli viaProxy = MariaDbCli.to("127.0.0.1", proxyPort, "app", "app")
                    .database("demo")
                    .batch();
            MariaDbCli.Result created = viaProxy.execute("CREATE TABLE demo_it (id INT PRIMARY KEY, note VARCHAR(40));"
                    + " INSERT INTO demo_it VALUES (1, 'written through the proxy')");
            assertThat(created.succeeded()).as("%s", created).isTrue();
            MariaDbCli secondary = MariaDbCli.to("127.0.0.1", secondaryPort, "app", "app")
                    .database("demo")
                    .batch();
            await("the row to replicate to the Secondary")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(secondary
                                    .execute("SELECT note, @@server_id FROM demo_it")
                                    .stdout())
                            .isEqualTo("written through the proxy\t2\n"));

            // The failover hint: kill the printed pid, and the same command is answered by the Secondary.
            long primaryPid = Long.parseLong(group(KILL_PRIMARY, printed));
            signal(primaryPid, "TERM");
            await("the Secondary to answer through the proxy")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(shell(connectHint)).isEqualTo("@@server_id\n2\n"));

            // Ctrl-C: everything stops and the temp dir goes.
            long stopStart = System.nanoTime();
            signal(demo.pid(), "INT");
            assertThat(demo.waitFor(30, TimeUnit.SECONDS))
                    .withFailMessage(() -> "demo.sh still running 30 s after SIGINT:\n" + read(output))
                    .isTrue();
            System.out.printf("demo.sh stopped %d ms after SIGINT (exit %d)%n", elapsedMs(stopStart), demo.exitValue());
            assertThat(processesMentioning(tmpBase.toString()))
                    .as("processes left behind by demo.sh")
                    .isEmpty();
            assertThat(workDir).doesNotExist();
            for (int port : List.of(primaryPort, secondaryPort, proxyPort)) {
                assertThat(isFree(port)).as("port %d is free again", port).isTrue();
            }
            assertThat(read(output)).contains("stopped everything and removed " + workDir);
        } finally {
            stopEverything(demo, tmpBase);
        }
    }

    /** Runs a command line with bash, as a user pasting it would, and returns its stdout (stderr on failure). */
    private static String shell(String commandLine) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", commandLine).redirectInput(new File("/dev/null"));
        builder.environment().keySet().removeIf(k -> k.startsWith("MYSQL_") || k.startsWith("MARIADB_"));
        Process p = builder.start();
        // A few lines each way: the pipe buffers cannot fill up before the process exits.
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException(commandLine + " did not finish within 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(commandLine + " failed with exit " + p.exitValue() + ": " + err);
        }
        return out;
    }

    private static void signal(long pid, String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid))
                .redirectErrorStream(true)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed");
        }
    }

    /** Live processes (not zombies) whose command line contains {@code text}, as "pid: command line". */
    private static List<String> processesMentioning(String text) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    String stat = Files.readString(proc.resolve("stat"));
                    boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
                    if (cmdline.contains(text) && !zombie) {
                        found.add(name + ": " + cmdline.trim());
                    }
                } catch (IOException | StringIndexOutOfBoundsException e) {
                    // The process ended while we looked.
                }
            }
        }
        return found;
    }

    /** Whether nothing listens on the loopback port (binding it succeeds). */
    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whatever happened: SIGINT to the demo (its own clean-up), then SIGKILL for anything still running from the
     * test's temp dir, so that a failed run leaves no mariadbd or proxy behind. JUnit deletes the directory.
     */
    private static void stopEverything(Process demo, Path tmpBase) throws IOException, InterruptedException {
        if (demo.isAlive()) {
            signal(demo.pid(), "INT");
            if (!demo.waitFor(30, TimeUnit.SECONDS)) {
                demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (String process : processesMentioning(tmpBase.toString())) {
            long pid = Long.parseLong(process.substring(0, process.indexOf(':')));
            ProcessHandle.of(pid).ifPresent(h -> {
                System.out.println("DemoIT: killing leftover " + process);
                h.destroyForcibly();
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    System.out.println("DemoIT: " + process + " did not exit after SIGKILL: " + e);
                }
            });
        }
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new AssertionError("demo.sh did not print " + pattern + ":\n" + text);
        }
        return m.group(1);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
