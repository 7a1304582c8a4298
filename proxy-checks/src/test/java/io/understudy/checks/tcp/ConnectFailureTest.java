package io.understudy.checks.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.understudy.checks.CheckStatus;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The status and text of connect failures, as the NIO and the native epoll transport word them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectFailureTest {
    @Test
    void refusedIsL4conWithTheOsWords() {
        ConnectException nio = new ConnectException("Connection refused: /127.0.0.1:3306");
        ConnectException epoll =
                new ConnectException("finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:3306");
        ConnectException epollShort =
                new ConnectException("connect(..) failed: Connection refused: localhost/127.0.0.1:1");

        assertThat(ConnectFailure.status(nio)).isEqualTo(CheckStatus.L4CON);
        assertThat(ConnectFailure.message(nio)).isEqualTo("Connection refused");
        assertThat(ConnectFailure.message(epoll)).isEqualTo("Connection refused");
        assertThat(ConnectFailure.message(epollShort)).isEqualTo("Connection refused");
    }

    @Test
    void unreachableIsL4con() {
        NoRouteToHostException e = new NoRouteToHostException("No route to host: /10.1.2.3:3306");

        assertThat(ConnectFailure.status(e)).isEqualTo(CheckStatus.L4CON);
        assertThat(ConnectFailure.message(e)).isEqualTo("No route to host");
    }

    /** A blackholed address cannot be reached from loopback tests, so the mapping is tested here. */
    @Test
    void connectTimeoutIsL4tout() {
        ConnectTimeoutException e = new ConnectTimeoutException("connection timed out after 2000 ms: /10.1.2.3:3306");

        assertThat(ConnectFailure.status(e)).isEqualTo(CheckStatus.L4TOUT);
        assertThat(ConnectFailure.message(e)).isEqualTo("connect timeout");
    }

    @Test
    void localFailuresAreSockerr() {
        assertThat(ConnectFailure.status(new ChannelException("Unable to create Channel")))
                .isEqualTo(CheckStatus.SOCKERR);
        assertThat(ConnectFailure.status(new ConnectException("socket(..) failed: Too many open files")))
                .isEqualTo(CheckStatus.SOCKERR);
        assertThat(ConnectFailure.status(new RejectedExecutionException("event executor terminated")))
                .isEqualTo(CheckStatus.SOCKERR);
    }

    @Test
    void aResetReadsAsTheOsSaysIt() {
        assertThat(ConnectFailure.message(
                        new java.io.IOException("recvAddress(..) failed with error(-104): Connection reset by peer")))
                .isEqualTo("Connection reset by peer");
        assertThat(ConnectFailure.message(new java.net.SocketException("Connection reset")))
                .isEqualTo("Connection reset by peer");
    }
}
