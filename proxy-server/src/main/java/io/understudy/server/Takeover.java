package io.understudy.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.understudy.admin.metrics.MetricsSettings;
import io.understudy.core.config.ListenConfig;
import io.understudy.core.config.ProxyConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The new version's side of an upgrade ({@code understudy -c FILE -x SOCKET}, HAProxy's {@code -x}): asks the running
 * process on its admin socket for its listening sockets ({@code _getsocks}, received as descriptors) and then for the
 * state file and its writers ({@code _handover}). The sockets are never closed across the swap, so no connection is
 * refused: until this process listens, connections wait in the kernel's backlog, and the old process accepts until it
 * is told to stop.
 */
final class Takeover {
    private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);
    private static final long WAIT_SECONDS = 10;

    /**
     * What the old process handed over.
     *
     * @param frontends each frontend's listening socket, by frontend name (unregistered channels)
     * @param metrics the metrics endpoint's listening socket, if handed over
     * @param writers each writer-role backend's server in use in the old process, by backend name
     * @param oldPid the old process, told to stop once this one listens
     */
    record Inherited(
            Map<String, Channel> frontends,
            Optional<Channel> metrics,
            Map<String, String> writers,
            long oldPid,
            long oldStartMillis,
            Path socket) {
        /** Closes the sockets not taken (a start that failed): the old process keeps its own copies. */
        void closeUnused() {
            frontends.values().forEach(Takeover::closeUnregistered);
            metrics.ifPresent(Takeover::closeUnregistered);
        }
    }

    /** The handover failed; nothing was taken and the old process goes on as before. */
    static final class TakeoverException extends Exception {
        TakeoverException(String message) {
            super(message);
        }
    }

    private Takeover() {}

    static Inherited from(Path socket, ProxyConfig config) throws TakeoverException {
        if (!"epoll".equals(io.understudy.core.transport.Transport.best().name())) {
            throw new TakeoverException("taking over needs the epoll transport"
                    + (Epoll.isAvailable() ? " (NIO was asked for)" : ": " + Epoll.unavailabilityCause()));
        }
        List<FileDescriptor> fds = receive(socket);
        Map<String, Channel> frontends = new LinkedHashMap<>();
        Optional<Channel> metrics = Optional.empty();
        Optional<InetSocketAddress> metricsAt =
                config.metrics().map(m -> MetricsSettings.from(m).bind());
        List<String> unused = new ArrayList<>();
        for (FileDescriptor fd : fds) {
            EpollServerSocketChannel ch = new EpollServerSocketChannel(fd.intValue());
            InetSocketAddress at = ch.localAddress();
            Optional<String> frontend = config.listens().stream()
                    .filter(l -> l.frontend().bind().resolved().equals(at))
                    .map(ListenConfig::name)
                    .filter(n -> !frontends.containsKey(n))
                    .findFirst();
            if (frontend.isPresent()) {
                frontends.put(frontend.get(), ch);
            } else if (metricsAt.filter(at::equals).isPresent() && metrics.isEmpty()) {
                metrics = Optional.of(ch);
            } else {
                // Listening on an address the new config does not have: this process must not accept there.
                unused.add(String.valueOf(at));
                closeUnregistered(ch);
            }
        }
        Map<String, String> writers = new LinkedHashMap<>();
        long[] pid;
        try {
            String reply = AdminClient.send(socket, "_handover");
            pid = parse(reply, writers);
        } catch (IOException | TakeoverException e) {
            new Inherited(frontends, metrics, writers, 0, 0, socket).closeUnused();
            throw e instanceof TakeoverException t
                    ? t
                    : new TakeoverException("cannot reach " + socket + " for _handover: " + e.getMessage());
        }
        LOG.info(
                "taking over from pid {} through {}: listening sockets for {}{}{}; writers {}",
                pid[0],
                socket,
                frontends.keySet(),
                metrics.isPresent() ? " and metrics" : "",
                unused.isEmpty() ? "" : " (not in the new config, closed here: " + unused + ")",
                writers);
        return new Inherited(frontends, metrics, writers, pid[0], pid[1], socket);
    }

    /** {pid, start time in epoch milliseconds (0 when unknown)}. */
    private static long[] parse(String reply, Map<String, String> writers) throws TakeoverException {
        long pid = -1;
        long start = 0;
        for (String line : reply.split("\n")) {
            String[] w = line.trim().split(" ");
            if (w.length == 2 && w[0].equals("pid")) {
                pid = Long.parseLong(w[1]);
            } else if (w.length == 2 && w[0].equals("start")) {
                start = Long.parseLong(w[1]);
            } else if (w.length == 3 && w[0].equals("writer")) {
                writers.put(w[1], w[2]);
            } else if (!line.isBlank()) {
                throw new TakeoverException("the old process refused the handover: " + reply.trim());
            }
        }
        if (pid <= 0) {
            throw new TakeoverException("the old process did not say its pid: " + reply.trim());
        }
        return new long[] {pid, start};
    }

    /** {@code _getsocks}: the descriptors the old process sends, until it closes the connection. */
    private static List<FileDescriptor> receive(Path socket) throws TakeoverException {
        List<FileDescriptor> fds = new ArrayList<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel ch = new Bootstrap()
                    .group(group)
                    .channel(EpollDomainSocketChannel.class)
                    .option(EpollChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            if (msg instanceof FileDescriptor fd) {
                                synchronized (fds) {
                                    fds.add(fd);
                                }
                            }
                        }
                    })
                    .connect(new DomainSocketAddress(socket.toString()))
                    .awaitUninterruptibly()
                    .channel();
            if (!ch.isActive()) {
                throw new TakeoverException("cannot connect to the old process's admin socket " + socket
                        + " (is it running, and is this its path?)");
            }
            ch.writeAndFlush(Unpooled.copiedBuffer("_getsocks\n", StandardCharsets.US_ASCII));
            if (!ch.closeFuture().awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS)) {
                ch.close();
                throw new TakeoverException(
                        "the old process did not finish sending its sockets within " + WAIT_SECONDS + "s");
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        synchronized (fds) {
            if (fds.isEmpty()) {
                throw new TakeoverException("the old process sent no listening socket on " + socket
                        + " (an admin-level socket of an Understudy with the epoll transport is needed)");
            }
            return List.copyOf(fds);
        }
    }

    /** The start failed after {@code _handover}: the old process takes its state file back. Best effort. */
    static void handBack(Inherited i) {
        try {
            AdminClient.send(i.socket(), "_handback");
            LOG.warn("takeover failed: pid {} keeps its state file and goes on as before", i.oldPid());
        } catch (IOException e) {
            LOG.error(
                    "takeover failed, and pid {} could not be told to keep its state file ({}): restart it",
                    i.oldPid(),
                    e.getMessage());
        }
    }

    static void closeUnregistered(Channel ch) {
        if (ch.isRegistered()) {
            // Adopted already: closed through its event loop, which deregisters it first.
            ch.close().awaitUninterruptibly();
        } else {
            ch.unsafe().closeForcibly();
        }
    }
}
