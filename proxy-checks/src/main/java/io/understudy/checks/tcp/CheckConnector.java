package io.understudy.checks.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.understudy.core.config.SendProxy;
import io.understudy.core.proxyprotocol.ProxyHeaders;
import io.understudy.core.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Opens the connection of one check: on a given event loop, with the check timeout as connect timeout, from an optional
 * source address (HAProxy's {@code source}). The socket keeps the OS default linger (off), so closing it sends a FIN,
 * never the RST of {@code SO_LINGER 0} that MySQL would count as an aborted connection. For a {@code send-proxy} server
 * the connection starts with the PROXY protocol header HAProxy's checks send ({@link ProxyHeaders#forCheck}), written
 * as soon as it is connected, before the check's handler hears of it.
 */
public final class CheckConnector {
    private final Transport transport;
    private final InetSocketAddress target;
    private final Optional<InetAddress> source;
    private final Duration timeout;
    private final SendProxy sendProxy;

    public CheckConnector(
            Transport transport, InetSocketAddress target, Optional<InetAddress> source, Duration timeout) {
        this(transport, target, source, timeout, SendProxy.NONE);
    }

    private CheckConnector(
            Transport transport,
            InetSocketAddress target,
            Optional<InetAddress> source,
            Duration timeout,
            SendProxy sendProxy) {
        this.transport = transport;
        this.target = target;
        this.source = source;
        this.timeout = timeout;
        this.sendProxy = sendProxy;
    }

    /** The same connector binding to {@code address} before it connects (HAProxy's {@code source}). */
    public CheckConnector withSource(InetAddress address) {
        return new CheckConnector(transport, target, Optional.of(address), timeout, sendProxy);
    }

    /** The same connector starting each connection with a PROXY protocol header ({@code send-proxy}). */
    public CheckConnector withSendProxy(SendProxy version) {
        return new CheckConnector(transport, target, source, timeout, version);
    }

    /** The same connector with {@code slack} added to its timeout (itself when the slack is zero). */
    public CheckConnector withSlack(Duration slack) {
        return slack.isZero() || slack.isNegative()
                ? this
                : new CheckConnector(transport, target, source, timeout.plus(slack), sendProxy);
    }

    public InetSocketAddress target() {
        return target;
    }

    public Optional<InetAddress> source() {
        return source;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Starts connecting on {@code loop}; call it on {@code loop}, so that {@code handler} is only ever used there. */
    public ChannelFuture connect(EventLoop loop, ChannelHandler handler) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(handler);
        ChannelFuture cf;
        if (source.isEmpty()) {
            cf = b.connect(target);
        } else {
            if (transport.socketChannel() == EpollSocketChannel.class) {
                // Pick the source port at connect time, by the whole 4-tuple: checks close first, so each leaves a
                // TIME_WAIT that would otherwise hold its port for every destination.
                b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
            }
            cf = b.connect(target, new InetSocketAddress(source.get(), 0));
        }
        if (sendProxy != SendProxy.NONE) {
            // The first listener: it runs before the check's own, and before the channel is active.
            cf.addListener(f -> {
                if (f.isSuccess()) {
                    Channel ch = cf.channel();
                    ProxyHeaders.write(ch, ProxyHeaders.forCheck(sendProxy, ch.localAddress(), ch.remoteAddress()));
                }
            });
        }
        return cf;
    }
}
