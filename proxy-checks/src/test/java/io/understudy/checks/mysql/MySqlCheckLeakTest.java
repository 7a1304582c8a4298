package io.understudy.checks.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.checks.fake.CheckLoops;
import io.understudy.checks.fake.FakeMySqlServer;
import io.understudy.checks.fake.FakeScripts;
import io.understudy.core.config.CheckConfig.MySqlVariant;
import io.understudy.testkit.LeakDetectionExtension;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing leaks: 200 checks over every scripted failure and success, run concurrently per case under paranoid buffer
 * leak detection (a leak fails the class), after which the JVM has as many threads and open sockets as before.
 */
@ExtendWith(LeakDetectionExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MySqlCheckLeakTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final CheckLoops loops = new CheckLoops();

    /** One scripted server behaviour, how many checks to run against it, and the status each must report. */
    private record Case(String name, FakeMySqlServer.Script script, int checks, Duration timeout, CheckStatus status) {}

    @AfterAll
    static void closeLoops() {
        loops.close();
    }

    @Test
    void twoHundredChecksLeaveNoBufferThreadOrSocketBehind() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair rsa = gen.generateKeyPair();
        byte[] garbage = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        List<Case> cases = List.of(
                new Case(
                        "ERR 1045 after login",
                        FakeScripts.errAfterLogin(1045, "#28000Access denied"),
                        20,
                        TIMEOUT,
                        CheckStatus.L7STS),
                new Case(
                        "ERR 1129 before greeting",
                        FakeScripts.errInsteadOfGreeting(1129, "Host blocked"),
                        20,
                        TIMEOUT,
                        CheckStatus.L7STS),
                new Case("garbage", FakeScripts.raw(garbage), 20, TIMEOUT, CheckStatus.L7RSP),
                new Case("truncated", FakeScripts.truncatedThenClose(), 20, TIMEOUT, CheckStatus.L7RSP),
                new Case("silence", FakeScripts.silent(), 15, SHORT, CheckStatus.L7TOUT),
                new Case("greeting then silence", FakeScripts.greetingThenSilence(), 15, SHORT, CheckStatus.L7TOUT),
                new Case(
                        "slow greeting",
                        FakeScripts.slowGreeting(Duration.ofMillis(50)),
                        10,
                        SHORT,
                        CheckStatus.L7TOUT),
                new Case(
                        "auth switch",
                        FakeScripts.authSwitchToNative("checkpw", "s3cret"),
                        20,
                        TIMEOUT,
                        CheckStatus.L7OK),
                new Case(
                        "caching_sha2 fast",
                        FakeScripts.cachingSha2Fast("checkpw", "s3cret"),
                        20,
                        TIMEOUT,
                        CheckStatus.L7OK),
                new Case(
                        "caching_sha2 RSA",
                        FakeScripts.cachingSha2Full("checkpw", "s3cret", rsa),
                        10,
                        TIMEOUT,
                        CheckStatus.L7OK),
                new Case(
                        "unsupported plugin",
                        FakeScripts.authSwitchTo("client_ed25519"),
                        10,
                        TIMEOUT,
                        CheckStatus.L7STS),
                new Case("reset", FakeScripts.resetAfterLogin(), 10, TIMEOUT, CheckStatus.SOCKERR));
        int refused = 10;
        assertThat(cases.stream().mapToInt(Case::checks).sum() + refused).isEqualTo(200);

        warmUp();
        int threadsBefore = threadCount();
        long socketsBefore = openSockets();

        for (Case c : cases) {
            try (FakeMySqlServer server = FakeMySqlServer.start(c.script())) {
                List<CheckResult> results = runConcurrently(server.address(), c.checks(), c.timeout());
                assertThat(results).as(c.name()).allSatisfy(r -> assertThat(r.status())
                        .as(c.name() + ": " + r.describe())
                        .isEqualTo(c.status()));
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> server.conversations().size() == c.checks());
            }
        }
        assertThat(runConcurrently(closedPort(), refused, TIMEOUT))
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(CheckStatus.L4CON));

        // Polled on this thread: Awaitility's own poller thread would be counted.
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(threadCount()).as("live threads").isLessThanOrEqualTo(threadsBefore);
            assertThat(openSockets()).as("open sockets").isLessThanOrEqualTo(socketsBefore);
        });
        System.out.printf(
                "after 200 checks: %d threads (before %d), %d open sockets (before %d)%n",
                threadCount(), threadsBefore, openSockets(), socketsBefore);
    }

    /** Starts every lazily started thread (both event loops, the JDK's future timeout thread) before counting. */
    private static void warmUp() throws IOException {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.nativeLogin("checkpw", "s3cret"))) {
            assertThat(runConcurrently(server.address(), 4, TIMEOUT))
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(CheckStatus.L7OK));
        }
    }

    private static List<CheckResult> runConcurrently(InetSocketAddress target, int n, Duration timeout) {
        MySqlCheck check = new MySqlCheck(
                loops.group(), loops.transport(), target, "checkpw", "s3cret", MySqlVariant.POST_41, timeout);
        List<CompletableFuture<CheckResult>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(check.run().toCompletableFuture());
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .orTimeout(30, TimeUnit.SECONDS)
                .join();
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private static int threadCount() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Open sockets of this process: the /proc/self/fd links that point to "socket:[inode]". */
    private static long openSockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                        } catch (IOException e) {
                            return false; // closed while we listed, e.g. the directory stream's own fd
                        }
                    })
                    .count();
        }
    }

    private static InetSocketAddress closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
        }
    }
}
