package io.understudy.checks.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.checks.fake.CheckLoops;
import io.understudy.checks.fake.FakeMySqlServer;
import io.understudy.checks.fake.FakeScripts;
import io.understudy.checks.mysql.MySqlCheck;
import io.understudy.core.config.CheckConfig.MySqlVariant;
import io.understudy.core.config.SendProxy;
import io.understudy.testkit.LeakDetectionExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The checks of a {@code send-proxy} server start their connection with the header HAProxy 2.6's checks send
 * (observed): v1 with the check connection's own addresses, v2 the {@code LOCAL} command; before anything else.
 */
@ExtendWith(LeakDetectionExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendProxyCheckTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1500);
    private static final String V2_LOCAL = "0d0a0d0a000d0a515549540a20000000";
    private static final CheckLoops loops = new CheckLoops();

    @AfterAll
    static void closeLoops() {
        loops.close();
    }

    private static byte[] firstConversation(FakeMySqlServer server) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> server.conversations().size() == 1);
        return server.conversations().get(0).received();
    }

    @Test
    void aTcpCheckSendsAV1HeaderWithItsOwnAddressesThenCloses() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.silent())) {
            CheckResult r =
                    CheckLoops.runAndWait(new TcpCheck(loops.group(), loops.transport(), server.address(), TIMEOUT)
                            .withSendProxy(SendProxy.V1));
            assertThat(r.status()).isEqualTo(CheckStatus.L4OK);
            assertThat(new String(firstConversation(server), StandardCharsets.US_ASCII))
                    .matches("PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ "
                            + server.address().getPort() + "\r\n");
        }
    }

    @Test
    void aMySqlCheckSendsV2LocalBeforeItsLogin() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.greetingThenSilence())) {
            CheckLoops.runAndWait(new MySqlCheck(
                            loops.group(),
                            loops.transport(),
                            server.address(),
                            "haproxy",
                            "",
                            MySqlVariant.POST_41,
                            TIMEOUT)
                    .withSendProxy(SendProxy.V2));
            byte[] received = firstConversation(server);
            assertThat(HexFormat.of().formatHex(Arrays.copyOf(received, 16))).isEqualTo(V2_LOCAL);
            // Then the login, a MySQL packet with sequence id 1.
            assertThat(received.length).isGreaterThan(16 + 4);
            assertThat(received[16 + 3]).isEqualTo((byte) 1);
        }
    }

    @Test
    void withoutSendProxyNothingPrecedesTheLogin() {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.greetingThenSilence())) {
            CheckLoops.runAndWait(new MySqlCheck(
                    loops.group(), loops.transport(), server.address(), "haproxy", "", MySqlVariant.POST_41, TIMEOUT));
            byte[] received = firstConversation(server);
            assertThat(received[3]).as("the login's sequence id, first").isEqualTo((byte) 1);
        }
    }
}
