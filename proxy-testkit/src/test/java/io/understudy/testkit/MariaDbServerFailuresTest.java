package io.understudy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a server cannot start, the error says why, quoting mariadbd's own error log, and nothing is left running. */
class MariaDbServerFailuresTest {
    @Test
    void badOptionFailsFastWithTheErrorLogTail() throws Exception {
        try (MariaDbServer server = MariaDbServer.builder()
                .name("broken")
                .option("no_such_option=1")
                .build()) {
            assertThatThrownBy(server::start)
                    .isInstanceOf(MariaDbFixtureException.class)
                    .hasMessageContaining("mariadbd exited")
                    .hasMessageContaining("unknown variable 'no_such_option=1'");
            assertThat(server.isRunning()).isFalse();
            assertThat(ProcFs.pidsWithCmdline("mariadbd", server.directory().toString()))
                    .isEmpty();
        }
    }

    @Test
    void firstStartMovesToAnotherPortIfItsPortWasTakenMeanwhile() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Iterator<Integer> ports =
                    List.of(squatter.getLocalPort(), FreePorts.find()).iterator();
            try (MariaDbServer server = MariaDbServer.builder()
                    .name("mover")
                    .portSource(ports::next)
                    .build()
                    .start()) {
                assertThat(server.port()).isNotEqualTo(squatter.getLocalPort());
                assertThat(server.queryForLong("SELECT @@port")).isEqualTo(server.port());
                assertThat(ports.hasNext()).isFalse();
            }
        }
    }

    @Test
    void restartOnATakenPortSaysSoAndWorksOnceThePortIsFree() {
        try (MariaDbServer server =
                MariaDbServer.builder().name("squatted").build().start()) {
            int port = server.port();
            server.stop();
            try (ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThatThrownBy(server::start)
                        .isInstanceOf(MariaDbFixtureException.class)
                        .hasMessageContaining("cannot bind its port " + port)
                        .hasMessageContaining("Address already in use");
            } catch (java.io.IOException e) {
                throw new AssertionError("could not occupy port " + port, e);
            }
            server.start();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.queryForLong("SELECT 1")).isEqualTo(1);
        }
    }
}
