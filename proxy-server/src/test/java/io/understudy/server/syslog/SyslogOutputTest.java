package io.understudy.server.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.understudy.core.config.LogTarget;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Session and state lines reach real UDP and Unix datagram sockets framed as HAProxy frames them. */
@Timeout(30)
class SyslogOutputTest {
    private static final Logger SESSION = LoggerFactory.getLogger("understudy.session");
    private static final Logger STATE = LoggerFactory.getLogger("understudy.state");
    private ch.qos.logback.classic.Level sessionLevel;

    /** Test logging keeps our loggers at WARN outside io.understudy: session lines are INFO. */
    @org.junit.jupiter.api.BeforeEach
    void sessionLinesOn() {
        ch.qos.logback.classic.Logger l = (ch.qos.logback.classic.Logger) SESSION;
        sessionLevel = l.getLevel();
        l.setLevel(ch.qos.logback.classic.Level.INFO);
    }

    @org.junit.jupiter.api.AfterEach
    void sessionLinesBack() {
        ((ch.qos.logback.classic.Logger) SESSION).setLevel(sessionLevel);
    }

    private static final String HEADER = "<(\\d+)>[A-Z][a-z]{2} [ 1-3]\\d \\d{2}:\\d{2}:\\d{2} understudy\\[4242\\]: ";

    @Test
    void udpGetsSessionLinesAtInfoAndStateLinesAtWarning() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            receiver.setSoTimeout(10_000);
            LogTarget target = new LogTarget(
                    Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), receiver.getLocalPort())),
                    Optional.empty(),
                    16,
                    7);
            try (SyslogOutput out = SyslogOutput.start(List.of(target), "understudy", 4242)) {
                SESSION.info("{}", "127.0.0.1:1 [03/Dec/2026:18:39:51.467] MySQL MySQL/P 0/0/3 0 -- 1/1/0/0/0 0/0");
                STATE.warn("Server MySQL/P is DOWN, reason: Layer4 connection problem.");
                LoggerFactory.getLogger("understudy.events").info("not for syslog");
                assertThat(receive(receiver))
                        .matches(HEADER.replace("(\\d+)", "134")
                                + "127\\.0\\.0\\.1:1 \\[03/Dec/2026:18:39:51\\.467\\] MySQL MySQL/P 0/0/3 0 --"
                                + " 1/1/0/0/0 0/0\n");
                // local0 (16) * 8 + warning (4)
                assertThat(receive(receiver))
                        .matches(HEADER.replace("(\\d+)", "132")
                                + "Server MySQL/P is DOWN, reason: Layer4 connection problem\\.\n");
                assertThat(out.dropped()).isZero();
            }
        }
    }

    @Test
    void aLevelKeepsLessSevereMessagesOut() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            receiver.setSoTimeout(10_000);
            LogTarget notice = new LogTarget(
                    Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), receiver.getLocalPort())),
                    Optional.empty(),
                    17,
                    5);
            try (SyslogOutput out = SyslogOutput.start(List.of(notice), "understudy", 4242)) {
                SESSION.info("session line, info: filtered out");
                STATE.warn("state line, warning: sent");
                // local1 (17) * 8 + warning (4); the info line before it never came.
                assertThat(receive(receiver)).matches(HEADER.replace("(\\d+)", "140") + "state line, warning: sent\n");
            }
        }
    }

    @Test
    void aUnixDatagramSocketLikeDevLogGetsTheSameFrames(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("log");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel server = new Bootstrap()
                    .group(group)
                    .channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                            received.add(p.content().toString(StandardCharsets.UTF_8));
                        }
                    })
                    .bind(new DomainSocketAddress(socket.toString()))
                    .syncUninterruptibly()
                    .channel();
            LogTarget target = new LogTarget(Optional.empty(), Optional.of(socket), 16, 6);
            try (SyslogOutput out = SyslogOutput.start(List.of(target), "understudy", 4242)) {
                SESSION.info("a session line");
                assertThat(received.poll(10, TimeUnit.SECONDS))
                        .matches(HEADER.replace("(\\d+)", "134") + "a session line\n");
            }
            server.close().syncUninterruptibly();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void framesAreCutAtHaproxysDefaultLength() {
        byte[] b = new SyslogFrame("understudy", 1).frame(16, 6, 0, "x".repeat(2000));
        assertThat(b).hasSize(SyslogFrame.MAX_BYTES);
        assertThat(b[b.length - 1]).isEqualTo((byte) '\n');
    }

    private static String receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }
}
