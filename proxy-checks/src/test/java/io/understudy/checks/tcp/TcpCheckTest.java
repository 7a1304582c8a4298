package io.understudy.checks.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.checks.fake.CheckLoops;
import io.understudy.checks.fake.Conversation;
import io.understudy.checks.fake.Ending;
import io.understudy.checks.fake.FakeMySqlServer;
import io.understudy.checks.fake.FakeScripts;
import io.understudy.checks.mysql.MySqlCheck;
import io.understudy.core.config.CheckConfig.MySqlVariant;
import io.understudy.testkit.LeakDetectionExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakDetectionExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpCheckTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final CheckLoops loops = new CheckLoops();

    @AfterAll
    static void closeLoops() {
        loops.close();
    }

    @Test
    void aListeningServerIsL4okAndClosedWithAFin() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.silent())) {
            CheckResult r = CheckLoops.runAndWait(tcp(server.address(), TIMEOUT));

            assertThat(r.status()).isEqualTo(CheckStatus.L4OK);
            assertThat(r.code()).isEmpty();
            assertThat(r.info()).isEmpty();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> server.conversations().size() == 1);
            Conversation c = server.conversations().get(0);
            assertThat(c.received()).isEmpty();
            assertThat(c.ending()).isEqualTo(Ending.CLIENT_FIN);
        }
    }

    @Test
    void aClosedPortIsL4conConnectionRefused() throws IOException {
        CheckResult r = CheckLoops.runAndWait(tcp(closedPort(), TIMEOUT));

        assertThat(r.status()).isEqualTo(CheckStatus.L4CON);
        assertThat(r.code()).isEmpty();
        assertThat(r.info()).isEqualTo("Connection refused");
    }

    @Test
    void aConnectThatNeverCompletesIsL4tout() throws IOException {
        Duration timeout = Duration.ofMillis(300);
        try (FullBacklog blackhole = FullBacklog.open()) {
            CheckResult tcp = CheckLoops.runAndWait(tcp(blackhole.address(), timeout));
            CheckResult mysql = CheckLoops.runAndWait(new MySqlCheck(
                    loops.group(),
                    loops.transport(),
                    blackhole.address(),
                    "haproxy",
                    "",
                    MySqlVariant.POST_41,
                    timeout));

            for (CheckResult r : new CheckResult[] {tcp, mysql}) {
                assertThat(r.status()).as(r.describe()).isEqualTo(CheckStatus.L4TOUT);
                assertThat(r.info()).isEqualTo("connect timeout");
                assertThat(r.durationMillis()).isBetween(timeout.toMillis(), timeout.toMillis() + 500);
            }
        }
    }

    @Test
    void aShutDownEventLoopIsASocketErrorNotAnException() {
        CheckLoops gone = new CheckLoops();
        gone.close();

        CheckResult r =
                CheckLoops.runAndWait(new TcpCheck(gone.group(), gone.transport(), closedPortQuietly(), TIMEOUT));

        assertThat(r.status()).isEqualTo(CheckStatus.SOCKERR);
    }

    private static TcpCheck tcp(InetSocketAddress target, Duration timeout) {
        return new TcpCheck(loops.group(), loops.transport(), target, timeout);
    }

    private static InetSocketAddress closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
        }
    }

    private static InetSocketAddress closedPortQuietly() {
        try {
            return closedPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
