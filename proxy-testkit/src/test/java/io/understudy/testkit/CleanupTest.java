package io.understudy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No mariadbd and no temp dir outlives close(), a frozen server included, nor a JVM that dies abruptly. */
class CleanupTest {
    @Test
    void closeKillsEvenAFrozenServerAndDeletesItsDirectory() throws Exception {
        MariaDbServer server = MariaDbServer.builder().name("doomed").build().start();
        long pid = server.pid();
        Path dir = server.directory();
        assertThat(ProcFs.pidsWithCmdline("mariadbd", dir.toString())).containsExactly(pid);

        server.freeze();
        server.close();

        assertThat(ProcFs.alive(pid)).isFalse();
        assertThat(ProcFs.pidsWithCmdline("mariadbd", dir.toString())).isEmpty();
        assertThat(dir).doesNotExist();
    }

    @Test
    void clusterCloseLeavesNoServerBehind() throws Exception {
        MariaDbCluster cluster = MariaDbCluster.primaryBackup().start();
        List<Long> pids = cluster.servers().stream().map(MariaDbServer::pid).toList();
        List<Path> dirs =
                cluster.servers().stream().map(MariaDbServer::directory).toList();
        cluster.backup().kill9(); // a dead member must not trip up close()
        cluster.close();
        for (long pid : pids) {
            assertThat(ProcFs.alive(pid)).as("pid %d", pid).isFalse();
        }
        for (Path dir : dirs) {
            assertThat(ProcFs.pidsWithCmdline("mariadbd", dir.toString())).isEmpty();
            assertThat(dir).doesNotExist();
        }
    }

    /** A JVM that halts skips its shutdown hooks (as with kill -9); the watchdog must clean up instead. */
    @Test
    void watchdogKillsServersOfAJvmThatDiedWithoutCleanup(@TempDir Path tmp) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path out = tmp.resolve("child.out");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        classpath,
                        HaltingServerMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("STARTED pid=(\\d+) dir=(\\S+)").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        long pid = Long.parseLong(m.group(1));
        Path dir = Path.of(m.group(2));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(ProcFs.alive(pid)).as("mariadbd pid %d", pid).isFalse();
            assertThat(dir).doesNotExist();
        });
    }
}
