package io.understudy.checks.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fake server tells a FIN from a reset, so the checks' "closed with FIN, no RST" assertions mean something. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FakeMySqlServerTest {
    @Test
    void seesANormalClose() throws IOException {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.silent())) {
            try (Socket s =
                    new Socket(server.address().getAddress(), server.address().getPort())) {
                s.getOutputStream().write(new byte[] {1, 0, 0, 0, 1});
            }

            Conversation c = only(server);
            assertThat(c.ending()).isEqualTo(Ending.CLIENT_FIN);
            assertThat(c.endsWithComQuit()).isTrue();
        }
    }

    @Test
    void seesAReset() throws IOException {
        try (FakeMySqlServer server = FakeMySqlServer.start(FakeScripts.silent())) {
            try (Socket s =
                    new Socket(server.address().getAddress(), server.address().getPort())) {
                s.setSoLinger(true, 0);
            }

            assertThat(only(server).ending()).isEqualTo(Ending.CLIENT_RST);
        }
    }

    private static Conversation only(FakeMySqlServer server) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> server.conversations().size() == 1);
        return server.conversations().get(0);
    }
}
