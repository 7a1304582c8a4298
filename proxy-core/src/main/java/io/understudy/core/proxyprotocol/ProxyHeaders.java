package io.understudy.core.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.understudy.core.config.SendProxy;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header a {@code send-proxy} server's connections start with, as HAProxy writes it: for a session,
 * the client's address and the address it connected to ({@code TCP4}, or {@code TCP6} when either is IPv6, the other
 * then written as an IPv4-mapped address); for a health check, the check connection's own addresses in v1 and the
 * {@code LOCAL} command in v2 (observed of HAProxy 2.6). Where there is no IP address to tell, v1 says {@code PROXY
 * UNKNOWN} and v2 {@code LOCAL}: the server then uses the connection's own address.
 */
public final class ProxyHeaders {
    /** v1 for a connection whose addresses cannot be told; Netty's encoder would write "null" for the addresses. */
    private static final byte[] V1_UNKNOWN = "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final String ENCODER = "proxy-header-encoder";

    private ProxyHeaders() {}

    /** A session's header: from the client's address to the one it connected to. */
    public static HAProxyMessage forSession(SendProxy version, ClientAddresses client) {
        return header(version, client.source(), client.destination());
    }

    /** A health check's header, from its connection's addresses: what HAProxy's {@code check-send-proxy} sends. */
    public static HAProxyMessage forCheck(SendProxy version, SocketAddress local, SocketAddress remote) {
        return version == SendProxy.V2 ? local(HAProxyProtocolVersion.V2) : header(version, local, remote);
    }

    /**
     * Writes {@code header} as the first bytes of {@code server}, a connected channel, on its event loop (the
     * connect's listener), before anything else is written or read; a failed write closes the channel.
     */
    public static ChannelFuture write(Channel server, HAProxyMessage header) {
        if (isV1Unknown(header)) {
            header.release();
            return server.writeAndFlush(Unpooled.wrappedBuffer(V1_UNKNOWN))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        // Encoded on the way out by the encoder placed in front of everything, then the encoder goes: the header is
        // written once, and later writes never meet it.
        server.pipeline().addFirst(ENCODER, HAProxyMessageEncoder.INSTANCE);
        try {
            return server.writeAndFlush(header).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } finally {
            server.pipeline().remove(ENCODER);
        }
    }

    /** The bytes of {@code header}, for a blocking socket (the {@code sql} check's); releases the header. */
    public static byte[] bytes(HAProxyMessage header) {
        if (isV1Unknown(header)) {
            header.release();
            return V1_UNKNOWN.clone();
        }
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        try {
            encoder.writeOutbound(header);
            ByteBuf out = encoder.readOutbound();
            try {
                return ByteBufUtil.getBytes(out);
            } finally {
                out.release();
            }
        } finally {
            encoder.finishAndReleaseAll();
        }
    }

    private static HAProxyMessage of(HAProxyProtocolVersion version, SocketAddress source, SocketAddress destination) {
        if (!(source instanceof InetSocketAddress src)
                || !(destination instanceof InetSocketAddress dst)
                || src.getAddress() == null
                || dst.getAddress() == null) {
            return local(version);
        }
        InetAddress s = src.getAddress();
        InetAddress d = dst.getAddress();
        boolean v4 = s instanceof Inet4Address && d instanceof Inet4Address;
        return new HAProxyMessage(
                version,
                HAProxyCommand.PROXY,
                v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                text(s, v4),
                text(d, v4),
                src.getPort(),
                dst.getPort());
    }

    private static HAProxyMessage header(SendProxy version, SocketAddress source, SocketAddress destination) {
        if (version == SendProxy.NONE) {
            throw new IllegalArgumentException("no PROXY protocol header for send-proxy = none");
        }
        return of(version == SendProxy.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2, source, destination);
    }

    /** v2: {@code LOCAL}, no addresses; v1: {@code PROXY UNKNOWN}. */
    private static HAProxyMessage local(HAProxyProtocolVersion version) {
        return new HAProxyMessage(
                version,
                version == HAProxyProtocolVersion.V2 ? HAProxyCommand.LOCAL : HAProxyCommand.PROXY,
                HAProxyProxiedProtocol.UNKNOWN,
                null,
                null,
                0,
                0);
    }

    private static boolean isV1Unknown(HAProxyMessage m) {
        return m.protocolVersion() == HAProxyProtocolVersion.V1
                && m.proxiedProtocol() == HAProxyProxiedProtocol.UNKNOWN;
    }

    /** The address as the header writes it: dotted IPv4, or IPv6 without a scope (IPv4-mapped in a TCP6 header). */
    private static String text(InetAddress a, boolean v4) {
        if (v4) {
            return a.getHostAddress();
        }
        if (a instanceof Inet4Address) {
            return "::ffff:" + a.getHostAddress();
        }
        String s = ((Inet6Address) a).getHostAddress();
        int scope = s.indexOf('%');
        return scope < 0 ? s : s.substring(0, scope);
    }
}
