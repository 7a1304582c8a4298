package io.understudy.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.understudy.core.backend.ConnectFailure.Kind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kind and text of connect failures, as the NIO and the native epoll transport word them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectFailureTest {
    @Test
    void refusedIsL4conWithTheOsWords() {
        ConnectException nio = new ConnectException("Connection refused: /127.0.0.1:3306");
        ConnectException epoll =
                new ConnectException("finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:3306");
        ConnectException epollShort =
                new ConnectException("connect(..) failed: Connection refused: localhost/127.0.0.1:1");

        assertThat(ConnectFailure.of(nio).kind()).isEqualTo(Kind.CONNECTION);
        assertThat(ConnectFailure.of(nio).message()).isEqualTo("Connection refused");
        assertThat(ConnectFailure.of(epoll).message()).isEqualTo("Connection refused");
        assertThat(ConnectFailure.of(epollShort).message()).isEqualTo("Connection refused");
    }

    @Test
    void unreachableIsL4con() {
        NoRouteToHostException e = new NoRouteToHostException("No route to host: /10.1.2.3:3306");

        assertThat(ConnectFailure.of(e).kind()).isEqualTo(Kind.CONNECTION);
        assertThat(ConnectFailure.of(e).message()).isEqualTo("No route to host");
    }

    /** A blackholed address cannot be reached from loopback tests, so the mapping is tested here. */
    @Test
    void connectTimeoutIsL4tout() {
        ConnectTimeoutException e = new ConnectTimeoutException("connection timed out after 2000 ms: /10.1.2.3:3306");

        assertThat(ConnectFailure.of(e).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(ConnectFailure.of(e).message()).isEqualTo("connect timeout");
    }

    @Test
    void localFailuresAreSockerr() {
        assertThat(ConnectFailure.of(new ChannelException("Unable to create Channel"))
                        .kind())
                .isEqualTo(Kind.LOCAL);
        assertThat(ConnectFailure.of(new ConnectException("socket(..) failed: Too many open files"))
                        .kind())
                .isEqualTo(Kind.LOCAL);
        assertThat(ConnectFailure.of(new RejectedExecutionException("event executor terminated"))
                        .kind())
                .isEqualTo(Kind.LOCAL);
    }

    @Test
    void runningOutOfDescriptorsIsLocalAndSaysSo() {
        // How both transports fail to make a socket at EMFILE: Netty's wrapper around the OS's words.
        ChannelException emfile = new ChannelException(
                "Unable to create Channel from class class io.netty.channel.epoll.EpollSocketChannel",
                new java.net.SocketException("Too many open files"));
        assertThat(ConnectFailure.of(emfile).kind()).isEqualTo(Kind.LOCAL);
        assertThat(ConnectFailure.of(emfile).message()).isEqualTo("Too many open files");
        assertThat(ConnectFailure.outOfDescriptors(emfile)).isTrue();
        assertThat(ConnectFailure.of(new java.io.IOException("accept(..) failed: Too many open files"))
                        .kind())
                .isEqualTo(Kind.LOCAL);
    }

    @Test
    void aServersOwnOutOfFilesErrorIsNotThisProxys() {
        java.sql.SQLException server = new java.sql.SQLException(
                "Can't open file: './app/t.frm' (errno: 24 \"Too many open files\")", "HY000", 1016);
        assertThat(ConnectFailure.outOfDescriptors(server)).isFalse();
    }

    @Test
    void aLoopingCauseChainEnds() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertThat(ConnectFailure.outOfDescriptors(a)).isFalse();
    }

    @Test
    void aResetReadsAsTheOsSaysIt() {
        assertThat(ConnectFailure.of(new java.io.IOException(
                                "recvAddress(..) failed with error(-104): Connection reset by peer"))
                        .message())
                .isEqualTo("Connection reset by peer");
        assertThat(ConnectFailure.of(new java.net.SocketException("Connection reset"))
                        .message())
                .isEqualTo("Connection reset by peer");
    }
}
