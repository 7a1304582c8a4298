package io.understudy.admin.cli;

import io.netty.channel.EventLoopGroup;
import io.understudy.admin.command.CommandRegistry;
import io.understudy.core.config.AdminConfig;
import io.understudy.core.config.AdminSocketConfig;
import io.understudy.core.transport.Transport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The admin side's listener: every configured Unix socket, each with its own level, mode and owner, served on one event
 * loop of its own with HAProxy's CLI protocol. {@link #start()} is its only side effect; {@link #close()} undoes it and
 * removes the socket files.
 *
 * <pre>{@code
 * CommandRegistry commands = CommandRegistry.standard(context, statsRenderer);
 * AdminServer admin = new AdminServer(config.admin(), commands);
 * admin.start();   // AdminSocketException: exit code 3
 * ...
 * admin.close();
 * }</pre>
 */
public final class AdminServer implements AutoCloseable {
    private final List<AdminSocketConfig> configs;
    private final CommandRegistry commands;
    private final CliLimits limits;
    private final AdminTransport transport;
    private final List<AdminSocket> sockets = new ArrayList<>();
    private EventLoopGroup group;

    /** With the default limits and the best transport (epoll's domain sockets when available). */
    public AdminServer(AdminConfig config, CommandRegistry commands) {
        this(config, commands, CliLimits.defaults(), Transport.best());
    }

    /**
     * @param config the sockets to bind
     * @param commands what the sockets answer
     * @param limits line length, connections per socket, timeouts
     * @param transport the proxy's transport; the domain-socket flavour of the same is used
     */
    public AdminServer(AdminConfig config, CommandRegistry commands, CliLimits limits, Transport transport) {
        this.configs = config.sockets();
        this.commands = commands;
        this.limits = limits;
        this.transport = AdminTransport.of(transport);
    }

    /**
     * Binds every socket. On any failure nothing stays bound and the exception says which path and why (another
     * instance answers there, the directory is missing, the mode or owner cannot be applied, ...). Blocks; call it from
     * the starting thread.
     */
    public synchronized void start() throws AdminSocketException {
        start(java.util.Optional.empty());
    }

    /**
     * Binds every socket; at {@code takeOver}, where the process this one replaces answers ({@code understudy -x}),
     * its socket file is replaced rather than refused. Every other path is claimed as usual.
     */
    public synchronized void start(java.util.Optional<Path> takeOver) throws AdminSocketException {
        if (group != null) {
            throw new IllegalStateException("admin server already started");
        }
        checkDistinct();
        if (configs.isEmpty()) {
            return;
        }
        group = transport.newGroup("understudy-admin");
        try {
            for (AdminSocketConfig c : configs) {
                boolean replace = takeOver.map(t -> t.toAbsolutePath()
                                .normalize()
                                .equals(c.path().toAbsolutePath().normalize()))
                        .orElse(false);
                sockets.add(AdminSocket.open(
                        c,
                        group,
                        transport,
                        new CliInitializer(commands, limits, c.level(), c.exposeFdListeners()),
                        replace));
            }
        } catch (AdminSocketException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The socket files being served, in configuration order. */
    public synchronized List<Path> boundPaths() {
        return sockets.stream().map(AdminSocket::path).toList();
    }

    /** Admin connections being served now, over all sockets. */
    public synchronized int openConnections() {
        return sockets.stream().mapToInt(AdminSocket::openConnections).sum();
    }

    /** Closes every socket, removes their files, stops the event loop. Idempotent. */
    @Override
    public synchronized void close() {
        sockets.forEach(AdminSocket::close);
        sockets.clear();
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }

    private void checkDistinct() throws AdminSocketException {
        Set<Path> seen = new HashSet<>();
        for (AdminSocketConfig c : configs) {
            if (!seen.add(c.path().toAbsolutePath().normalize())) {
                throw new AdminSocketException("admin socket " + c.path() + " is configured twice");
            }
        }
    }
}
