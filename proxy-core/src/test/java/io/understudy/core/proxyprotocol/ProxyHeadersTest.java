package io.understudy.core.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.understudy.core.config.SendProxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The headers {@code send-proxy} writes, byte for byte. The expected bytes of v2 and of checks are what HAProxy 2.6
 * sent here for the same addresses ({@code server ... send-proxy-v2 check} in front of a socket that printed them).
 */
class ProxyHeadersTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 42287);
    private static final InetSocketAddress BIND = new InetSocketAddress("127.0.0.1", 47001);

    private static String text(SendProxy v, InetSocketAddress src, InetSocketAddress dst) {
        return new String(
                ProxyHeaders.bytes(ProxyHeaders.forSession(v, new ClientAddresses(src, dst))),
                StandardCharsets.US_ASCII);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void v1CarriesTheClientAndTheAddressItConnectedTo() {
        assertThat(text(SendProxy.V1, CLIENT, BIND)).isEqualTo("PROXY TCP4 127.0.0.2 127.0.0.1 42287 47001\r\n");
    }

    @Test
    void v2IsWhatHaproxySendsForTheSameConnection() {
        // Observed from HAProxy 2.6: a client 127.0.0.2:42287 on bind 127.0.0.1:47001, server with send-proxy-v2.
        assertThat(hex(ProxyHeaders.bytes(ProxyHeaders.forSession(SendProxy.V2, new ClientAddresses(CLIENT, BIND)))))
                .isEqualTo(
                        "0d0a0d0a000d0a515549540a" + "21" + "11" + "000c" + "7f000002" + "7f000001" + "a52f" + "b799");
    }

    @Test
    void anIpv6EndMakesBothIpv6WithTheIpv4OneMapped() {
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::7", 3306);
        assertThat(text(SendProxy.V1, CLIENT, v6))
                .isEqualTo("PROXY TCP6 ::ffff:127.0.0.2 2001:db8:0:0:0:0:0:7 42287 3306\r\n");
        byte[] v2 = ProxyHeaders.bytes(ProxyHeaders.forSession(SendProxy.V2, new ClientAddresses(CLIENT, v6)));
        assertThat(hex(v2))
                .startsWith("0d0a0d0a000d0a515549540a" + "21" + "21" + "0024" + "00000000000000000000ffff7f000002");
        assertThat(v2).hasSize(16 + 36);
    }

    @Test
    void withoutIpAddressesV1SaysUnknownAndV2Local() {
        ClientAddresses none = new ClientAddresses(null, BIND);
        assertThat(new String(
                        ProxyHeaders.bytes(ProxyHeaders.forSession(SendProxy.V1, none)), StandardCharsets.US_ASCII))
                .isEqualTo("PROXY UNKNOWN\r\n");
        assertThat(hex(ProxyHeaders.bytes(ProxyHeaders.forSession(SendProxy.V2, none))))
                .isEqualTo("0d0a0d0a000d0a515549540a20000000");
    }

    @Test
    void checksSendTheirOwnAddressesInV1AndLocalInV2AsHaproxyDoes() {
        // Observed from HAProxy 2.6's checks: "PROXY TCP4 127.0.0.1 127.0.0.1 48362 47002" and v2 LOCAL.
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 48362);
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", 47002);
        assertThat(new String(
                        ProxyHeaders.bytes(ProxyHeaders.forCheck(SendProxy.V1, local, server)),
                        StandardCharsets.US_ASCII))
                .isEqualTo("PROXY TCP4 127.0.0.1 127.0.0.1 48362 47002\r\n");
        assertThat(hex(ProxyHeaders.bytes(ProxyHeaders.forCheck(SendProxy.V2, local, server))))
                .isEqualTo("0d0a0d0a000d0a515549540a20000000");
    }

    @Test
    void writeSendsTheHeaderFirstAndLeavesNoEncoderBehind() {
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            ProxyHeaders.write(ch, ProxyHeaders.forSession(SendProxy.V1, new ClientAddresses(CLIENT, BIND)));
            assertThat(ch.pipeline().get(HAProxyMessageEncoder.class)).isNull();
            ByteBuf out = ch.readOutbound();
            assertThat(out.toString(StandardCharsets.US_ASCII))
                    .isEqualTo("PROXY TCP4 127.0.0.2 127.0.0.1 42287 47001\r\n");
            out.release();
            ProxyHeaders.write(ch, ProxyHeaders.forSession(SendProxy.V1, new ClientAddresses(null, null)));
            ByteBuf unknown = ch.readOutbound();
            assertThat(ByteBufUtil.getBytes(unknown))
                    .isEqualTo("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII));
            unknown.release();
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
