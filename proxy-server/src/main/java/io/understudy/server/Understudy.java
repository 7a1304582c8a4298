package io.understudy.server;

import io.netty.channel.EventLoopGroup;
import io.understudy.admin.AdminContext;
import io.understudy.admin.cli.AdminServer;
import io.understudy.admin.cli.AdminSocketException;
import io.understudy.admin.cli.CliLimits;
import io.understudy.admin.command.CommandRegistry;
import io.understudy.admin.metrics.MetricsServer;
import io.understudy.admin.metrics.MetricsSettings;
import io.understudy.admin.peers.PeerSync;
import io.understudy.admin.state.StateFileSettings;
import io.understudy.admin.state.StatePersistence;
import io.understudy.admin.stats.StatsCsvRenderer;
import io.understudy.checks.HealthChecker;
import io.understudy.checks.StandardCheckFactory;
import io.understudy.checks.fence.WriterFence;
import io.understudy.checks.sql.SqlCheckExecutor;
import io.understudy.core.ProxyEngine;
import io.understudy.core.config.DurationText;
import io.understudy.core.config.PeersConfig;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.frontend.BindFailedException;
import io.understudy.core.reload.ConfigReloader;
import io.understudy.core.resolvers.NameLookup;
import io.understudy.core.resolvers.Resolvers;
import io.understudy.core.session.TerminationCause;
import io.understudy.server.syslog.SyslogOutput;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running proxy process: the forwarding core plus what the launcher wires around it (health checks, the admin
 * socket, the admin-state file, metrics). The composition root; the only place that knows every module.
 */
public final class Understudy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Understudy.class);

    private final ProxyConfig config;
    private final ProxyEngine engine;
    private final EventLoopGroup checkLoop;
    private final SqlCheckExecutor sqlChecks = new SqlCheckExecutor();
    private final HealthChecker health;
    private final AdminServer admin;
    private final Optional<MetricsServer> metrics;
    private final Optional<PeerSync> peers;
    private final Optional<WriterFence> fence;
    /** Written by the starting thread, and once by a handover (an admin command's thread). */
    private volatile Optional<StatePersistence> state = Optional.empty();

    private final Optional<Takeover.Inherited> inherited;
    private final Optional<TakenOver> taken;
    private final Optional<ConfigReloader> reloader;
    private Optional<SyslogOutput> syslog = Optional.empty();
    private final Optional<Resolvers> resolvers;

    public Understudy(ProxyConfig config) {
        this(config, Optional.empty());
    }

    /**
     * @param file the file {@code config} was read from: {@code reload} and SIGHUP read it again; empty, the proxy
     *     cannot reload
     */
    public Understudy(ProxyConfig config, Optional<java.nio.file.Path> file) {
        this(config, file, Optional.empty());
    }

    /**
     * @param inherited what the process this one replaces handed over ({@code understudy -x}): its listening sockets,
     *     its writers, its pid
     */
    Understudy(ProxyConfig config, Optional<java.nio.file.Path> file, Optional<Takeover.Inherited> inherited) {
        this.config = config;
        this.inherited = inherited;
        this.engine = new ProxyEngine(config);
        this.taken = inherited.map(i -> new TakenOver(engine.control(), i));
        // Checks get their own event loop so that a burst of checks never delays the relay's.
        this.checkLoop = engine.transport().newGroup(1, "understudy-check");
        this.health =
                new HealthChecker(engine.control(), new StandardCheckFactory(checkLoop, engine.transport(), sqlChecks));
        this.peers = config.peers().map(p -> new PeerSync(p, engine.control(), engine.transport()));
        this.fence = config.peers()
                .filter(PeersConfig::writerLock)
                .map(p -> new WriterFence(engine.control(), (server, why) -> engine.sessions()
                        .closeByServer(server, TerminationCause.KILLED_BY_ADMIN)));
        CliLimits cli = CliLimits.defaults();
        this.reloader = file.map(f -> new ConfigReloader(f, engine.control()));
        this.resolvers = config.global().followsDns()
                ? Optional.of(new Resolvers(engine.control(), config.global().resolveInterval(), NameLookup.system()))
                : Optional.empty();
        AdminContext context = new AdminContext(
                engine,
                health,
                Version.current(),
                ProcessHandle.current().pid(),
                engine.startMillis(),
                peers,
                fence,
                reloader,
                Optional.of(new Handing()));
        this.admin = new AdminServer(
                config.admin(), CommandRegistry.standard(context, new StatsCsvRenderer()), cli, engine.transport());
        this.metrics = config.metrics().map(m -> new MetricsServer(MetricsSettings.from(m), context));
        // Descriptors kept out of the sessions' budget: every admin client, every metrics client and its listener
        // (bound after the frontends), and the peer link both ways.
        engine.reserveDescriptors((long) config.admin().sockets().size() * cli.maxConnectionsPerSocket()
                + config.metrics()
                        .map(m -> MetricsSettings.from(m).maxConnections() + 1L)
                        .orElse(0L)
                + (peers.isPresent() ? 4 : 0));
    }

    /**
     * Restores the operators' admin state, starts the checks, opens the admin
     * sockets, then binds the frontends and the metrics endpoint. On any failure nothing stays bound.
     */
    public void start() throws BindFailedException, AdminSocketException {
        try {
            // First, so that restored admin states and the first checks' state changes reach syslog too.
            syslog = Optional.of(SyslogOutput.start(
                    config.global().logTargets(),
                    "understudy",
                    ProcessHandle.current().pid()));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        state = config.global()
                .stateFile()
                .map(p -> StatePersistence.start(engine.control(), new StateFileSettings(p)));
        if (state.isEmpty()) {
            LOG.info(
                    "no global.state-file: admin decisions (maintenance, drain, weights) are not kept across restarts");
        }
        health.start();
        try {
            // Admin sockets first: a live socket means another instance runs, and then nothing else may bind.
            if (inherited.isEmpty()) {
                // Admin sockets first: a live socket means another instance runs, and then nothing else may bind.
                admin.start();
            }
            // After the state file: the peer's state is compared with what this proxy restored.
            if (peers.isPresent()) {
                peers.get().start();
            }
            fence.ifPresent(WriterFence::start);
            startResolvers();
            // Taking over: before anything is accepted, write where the old process writes.
            taken.ifPresent(TakenOver::pinWriters);
            engine.start(inherited.map(Takeover.Inherited::frontends).orElse(java.util.Map.of()));
            if (metrics.isPresent()) {
                metrics.get().start(inherited.flatMap(Takeover.Inherited::metrics));
            }
            if (inherited.isPresent()) {
                // Taking over: the old process's admin socket is replaced last, once everything else runs, so that a
                // failed start leaves the old process reachable.
                admin.start(inherited.map(Takeover.Inherited::socket));
            }
        } catch (BindFailedException | AdminSocketException | RuntimeException e) {
            inherited.ifPresent(i -> {
                i.closeUnused();
                Takeover.handBack(i);
            });
            close();
            throw e;
        }
        taken.ifPresent(TakenOver::stopOld);
        LOG.info(
                "Understudy {} started from {}: {} frontend(s), {} admin socket(s), transport {}",
                Version.current(),
                config.source(),
                engine.frontends().size(),
                config.admin().sockets().size(),
                engine.transport().name());
    }

    /** After the state file: an operator's address restored from it is not followed in DNS. */
    private void startResolvers() {
        if (resolvers.isEmpty()) {
            return;
        }
        Duration interval = config.global().resolveInterval();
        JvmDnsCache.longerThan(interval)
                .ifPresent(ttl -> LOG.warn(
                        "the JVM caches name lookups for {}s ({} / {}), longer than global.resolve-interval {}: a"
                                + " changed DNS answer is seen that late",
                        ttl.getSeconds(),
                        JvmDnsCache.TTL,
                        JvmDnsCache.LEGACY_TTL,
                        DurationText.format(interval)));
        resolvers.get().start();
    }

    public ProxyEngine engine() {
        return engine;
    }

    /** Whether a new process took over from this one ({@code _handover}, and no {@code _handback} since). */
    private final java.util.concurrent.atomic.AtomicBoolean handedOver =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Set once SIGTERM or SIGINT started the graceful stop. */
    private volatile boolean stopping;

    /**
     * How long after {@code _handover} the new process has to tell this one to stop; past it, the takeover is taken to
     * have failed (the new process died, say) and this process writes its state file again.
     */
    private static final Duration HANDOVER_LEASE = Duration.ofSeconds(60);

    /** What this process gives a new version taking over from it ({@code _getsocks}, {@code _handover}). */
    private final class Handing implements io.understudy.admin.Handover {
        @Override
        public java.util.List<io.netty.channel.unix.FileDescriptor> listeningSockets() {
            if (handedOver.get()) {
                throw new IllegalStateException("already handed over to another process");
            }
            java.util.List<io.netty.channel.unix.FileDescriptor> fds =
                    new java.util.ArrayList<>(engine.listeningDescriptors().values());
            metrics.flatMap(MetricsServer::descriptor).ifPresent(fds::add);
            LOG.info("handing {} listening socket(s) to a new process", fds.size());
            return fds;
        }

        @Override
        public String handOver() {
            if (peers.isPresent()) {
                throw new IllegalStateException("this proxy is one of a pair, whose link and writer lock cannot move to"
                        + " another process: upgrade it with a restart while keepalived moves the virtual IP");
            }
            long now = System.nanoTime();
            for (io.understudy.core.model.Backend b : engine.backends()) {
                io.understudy.core.model.BackendSnapshot snap = b.snapshot();
                if (snap.writer() && (snap.drainUntilNanos() - now > 0 || snap.holdUntilNanos() - now > 0)) {
                    throw new IllegalStateException("backend " + b.name() + " is moving its writer (a drain or a"
                            + " switchover is under way): try again once it is done");
                }
            }
            if (!handedOver.compareAndSet(false, true)) {
                throw new IllegalStateException("already handed over to another process");
            }
            // A last write, then the new process (which reads the file next) owns it; nothing written here after
            // this, not even at exit, unless the takeover fails and the state file comes back (_handback, lease).
            state.ifPresent(StatePersistence::pause);
            java.util.concurrent.CompletableFuture.delayedExecutor(
                            HANDOVER_LEASE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        if (!stopping && handedOver.get()) {
                            LOG.warn(
                                    "the new process did not stop this one within {}: taking the state file back",
                                    DurationText.format(HANDOVER_LEASE));
                            handBack();
                        }
                    });
            StringBuilder out =
                    new StringBuilder("pid " + ProcessHandle.current().pid() + "\n");
            ProcessHandle.current().info().startInstant().ifPresent(t -> out.append("start ")
                    .append(t.toEpochMilli())
                    .append('\n'));
            for (io.understudy.core.model.Backend b : engine.backends()) {
                io.understudy.core.model.BackendSnapshot snap = b.snapshot();
                if (snap.writer()) {
                    snap.first().ifPresent(w -> out.append("writer ")
                            .append(b.name())
                            .append(' ')
                            .append(w.name())
                            .append('\n'));
                }
            }
            LOG.warn("handed over to a new process: the state file is its own now; this process stops when it is told"
                    + " to (SIGTERM), letting its sessions finish");
            return out.toString();
        }

        @Override
        public void handBack() {
            if (!handedOver.compareAndSet(true, false)) {
                return;
            }
            state.ifPresent(StatePersistence::resume);
            LOG.warn("the new process could not start: this one keeps the state file and goes on as before");
        }
    }

    public HealthChecker health() {
        return health;
    }

    /** Reloads the configuration file in place (SIGHUP, {@code reload}); empty when not started from a file. */
    public Optional<ConfigReloader> reloader() {
        return reloader;
    }

    /**
     * Stops accepting, lets sessions finish for up to {@code hard-stop-after}, then closes everything. The admin socket
     * stays open during the grace period, so an operator can watch sessions drain.
     */
    public void stop() {
        // The last reload's, if any.
        Duration grace = engine.control().config().orElse(config).global().hardStopAfter();
        LOG.info("stopping: no new connections; sessions have up to {} to finish", DurationText.format(grace));
        stopping = true;
        if (handedOver.get()) {
            // A new process took over and writes where this one does: this one's checks go on while its sessions
            // finish, so that a server they mark down has its sessions here closed too (on-marked-down), as there.
            engine.stop(grace);
            stopChecks();
        } else {
            // Checks stop first: they report through the control plane, which the engine closes.
            stopChecks();
            engine.stop(grace);
        }
        closeSidecars();
        LOG.info("stopped");
    }

    @Override
    public void close() {
        stopChecks();
        engine.stop(Duration.ZERO);
        closeSidecars();
    }

    private void stopChecks() {
        // With the checks: nothing may submit to the control plane once the engine closes it.
        resolvers.ifPresent(Resolvers::close);
        health.close();
        sqlChecks.close();
        checkLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void closeSidecars() {
        // After the engine: the writer lock is held until this proxy's sessions are gone, then freed at once.
        fence.ifPresent(WriterFence::close);
        metrics.ifPresent(MetricsServer::close);
        peers.ifPresent(PeerSync::close);
        admin.close();
        // Last: a change made during the grace period is still written.
        state.ifPresent(StatePersistence::close);
        // After the engine, which has written every session's line by now.
        syslog.ifPresent(SyslogOutput::close);
        syslog = Optional.empty();
    }
}
