package io.understudy.admin.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.understudy.core.transport.Transport;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * The Unix domain socket flavour of the proxy's {@link Transport}: epoll's domain sockets when the proxy runs on epoll
 * (and the native library loaded), NIO's (JDK 16+ Unix sockets) otherwise. Each names its addresses differently.
 *
 * @param name {@code epoll} or {@code nio}, for logs
 * @param ioHandlerFactory the event loop's I/O handler
 * @param serverChannel the listening channel class
 */
record AdminTransport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannel) {

    /** The domain socket transport matching the proxy's. */
    static AdminTransport of(Transport transport) {
        if ("epoll".equals(transport.name()) && Epoll.isAvailable()) {
            return new AdminTransport("epoll", EpollIoHandler.newFactory(), EpollServerDomainSocketChannel.class);
        }
        return new AdminTransport("nio", NioIoHandler.newFactory(), NioServerDomainSocketChannel.class);
    }

    /**
     * Whether accepted channels can stay open for writing after the client shut its sending side. Netty's NIO domain
     * sockets cannot (their config is not a {@code SocketChannelConfig}); {@link CliHandler} copes by not reading while a
     * reply is pending.
     */
    boolean halfClosure() {
        return "epoll".equals(name);
    }

    /** The bind address of a socket file, in the form this transport's channel takes. */
    SocketAddress address(Path path) {
        return "epoll".equals(name) ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
    }

    EventLoopGroup newGroup(String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadPrefix, true), ioHandlerFactory);
    }
}
