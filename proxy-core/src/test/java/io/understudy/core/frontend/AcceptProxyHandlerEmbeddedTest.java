package io.understudy.core.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.understudy.core.TestConfigs;
import io.understudy.core.config.ListenConfig;
import io.understudy.core.config.SendProxy;
import io.understudy.core.model.Backend;
import io.understudy.core.proxyprotocol.ClientAddresses;
import io.understudy.core.proxyprotocol.ProxyHeaders;
import io.understudy.core.relay.EmbeddedSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AcceptProxyHandler} behind {@link ProxyHeaderDecoder} on an embedded client channel: a good header (v1, v2,
 * LOCAL) hands the connection on as a session with the header's client; a bad, late or truncated one closes it,
 * counted in {@code ereq}; a connection that sends nothing is closed uncounted; every buffer is released.
 */
class AcceptProxyHandlerEmbeddedTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);

    private final ListenConfig listen = TestConfigs.listen("MySQL")
            .timeouts(Duration.ofSeconds(1), CLIENT_TIMEOUT, Duration.ofSeconds(5))
            .server("Primary", 3306)
            .build()
            .listens()
            .get(0);
    private final Frontend frontend = new Frontend(listen.frontend(), new Backend(listen.backend(), 0));
    private final List<ByteBuf> fed = new ArrayList<>();
    private final Next next = new Next();
    private EmbeddedSocketChannel client;

    /** Stands for the FrontendHandler: what it is told, and what it is given. */
    private static final class Next extends ChannelInboundHandlerAdapter {
        boolean active;
        final StringBuilder read = new StringBuilder();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            read.append(((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1));
            ReferenceCountUtil.release(msg);
        }
    }

    @BeforeEach
    void accept() throws Exception {
        client = EmbeddedSocketChannel.unregistered();
        client.config().setAutoRead(false);
        ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
        client.pipeline()
                .addLast("proxy-header", decoder)
                .addLast(new AcceptProxyHandler(frontend, decoder, () -> next));
        client.register();
        // From the accept on, time moves only when the test says.
        client.freezeTime();
    }

    @AfterEach
    void everythingIsReleased() {
        client.finishAndReleaseAll();
        assertThat(fed).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    private void send(byte[] bytes) {
        ByteBuf b = Unpooled.copiedBuffer(bytes);
        fed.add(b);
        client.writeInbound(b);
    }

    private void send(String text) {
        send(text.getBytes(StandardCharsets.US_ASCII));
    }

    private void assertRefused(long counted) {
        assertThat(client.isOpen()).isFalse();
        assertThat(next.active).as("a session was opened").isFalse();
        assertThat(frontend.counters().requestErrors()).isEqualTo(counted);
    }

    @Test
    void aV1HeaderMakesItsSourceTheClientAndPassesOnWhatFollows() {
        assertThat(next.active).isFalse();
        send("PROXY TCP4 10.1.2.3 127.0.0.1 5555 3306\r\nhello");

        assertThat(next.active).isTrue();
        assertThat(next.read).hasToString("hello");
        assertThat(ClientAddresses.of(client))
                .isEqualTo(new ClientAddresses(
                        new InetSocketAddress("10.1.2.3", 5555), new InetSocketAddress("127.0.0.1", 3306)));
        assertThat(client.pipeline().get(AcceptProxyHandler.class)).isNull();
        assertThat(client.pipeline().get(ProxyHeaderDecoder.class)).isNull();
        assertThat(frontend.counters().requestErrors()).isZero();
    }

    @Test
    void aV2HeaderInPiecesWorksToo() {
        byte[] header = ProxyHeaders.bytes(ProxyHeaders.forSession(
                SendProxy.V2,
                new ClientAddresses(new InetSocketAddress("2001:db8::5", 40000), new InetSocketAddress("::1", 3306))));
        for (int i = 0; i < header.length; i += 5) {
            assertThat(next.active).isFalse();
            send(java.util.Arrays.copyOfRange(header, i, Math.min(header.length, i + 5)));
        }
        assertThat(next.active).isTrue();
        assertThat(ClientAddresses.of(client).source()).isEqualTo(new InetSocketAddress("2001:db8::5", 40000));
    }

    @Test
    void aLocalHeaderKeepsTheConnectionsOwnAddress() {
        send(ProxyHeaders.bytes(ProxyHeaders.forCheck(SendProxy.V2, null, null)));
        assertThat(next.active).isTrue();
        assertThat(ClientAddresses.of(client).source()).isEqualTo(client.remoteAddress());
    }

    @Test
    void aMalformedV1HeaderIsRefusedAndCounted() {
        send("PROXY TCP4 10.1.2.999 127.0.0.1 5555 3306\r\n");
        assertRefused(1);
    }

    @Test
    void anotherProtocolIsRefusedAndCounted() {
        send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertRefused(1);
    }

    @Test
    void endlessGarbageWithoutALineEndIsRefusedAtTheHeadersLengthLimit() {
        send("x".repeat(200));
        assertRefused(1);
    }

    @Test
    void halfAHeaderThenAFinIsRefusedAndCounted() {
        send("PROXY TCP4 10.1.");
        client.receiveFin();
        assertRefused(1);
    }

    @Test
    void halfAHeaderThenAResetIsCounted() {
        send("\r\n\r\n\0\r\nQUIT\n!");
        client.close();
        assertRefused(1);
    }

    @Test
    void aConnectionThatSendsNothingAndLeavesIsNotCounted() {
        client.receiveFin();
        assertRefused(0);
    }

    @Test
    void noHeaderWithinTimeoutClientIsRefusedAndCounted() {
        send("PROXY TCP4");
        client.advanceTimeBy(CLIENT_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();
        assertThat(client.isOpen()).isTrue();
        client.advanceTimeBy(CLIENT_TIMEOUT.toMillis() / 2 + 1, TimeUnit.MILLISECONDS);
        client.runScheduledPendingTasks();
        assertRefused(1);
    }
}
