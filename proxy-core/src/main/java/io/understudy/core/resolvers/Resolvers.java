package io.understudy.core.resolvers;

import io.understudy.core.config.HostPort;
import io.understudy.core.config.ServerConfig;
import io.understudy.core.model.Backend;
import io.understudy.core.model.Commit;
import io.understudy.core.model.ControlCommand.SetAddress;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAProxy's {@code resolvers}, simply: every {@code global.resolve-interval}, on a thread of its own (lookups block),
 * resolves the host name of every server the config gives by name and, when it points elsewhere, hands the control
 * plane a {@link SetAddress} of origin {@link Origin#DNS}. The control plane decides: it refuses a move of a server an
 * operator set an address on, and of a writer-role backend's server that still has sessions (retried at the next
 * round). Each such situation is logged once, not every round.
 *
 * <p>Which address: the current one while the name still resolves to it (so that a round-robin DNS answer does not
 * move the server every round, as HAProxy does), else the first of the answer. A name that stops resolving keeps its
 * last address.
 */
public final class Resolvers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("understudy.state");
    private static final long COMMIT_WAIT_SECONDS = 10;

    private final ControlPlane control;
    private final Duration interval;
    private final NameLookup lookup;
    private final ScheduledExecutorService thread;

    /** The last situation logged per server, so that each is logged once. Resolver thread only. */
    private final Map<Server, String> told = new HashMap<>();

    public Resolvers(ControlPlane control, Duration interval, NameLookup lookup) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.control = control;
        this.interval = interval;
        this.lookup = lookup;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "understudy-resolvers");
            th.setDaemon(true);
            return th;
        });
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = t;
    }

    /** Resolves every name at once (a server started without an address gets one without waiting), then every interval. */
    public void start() {
        thread.scheduleWithFixedDelay(this::safeRound, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("resolvers: host names of servers resolved again every {}ms", interval.toMillis());
    }

    private void safeRound() {
        try {
            round();
        } catch (RuntimeException e) {
            // A failed round must not end the schedule.
            LOG.warn("resolvers: round failed", e);
        }
    }

    /** One round over every server given by host name; on the caller's thread (tests call it directly). */
    void round() {
        Map<String, Answer> answers = new HashMap<>();
        for (Backend b : control.backends()) {
            for (Server s : b.servers()) {
                ServerConfig cfg = s.config();
                if (cfg.address().isName()) {
                    follow(s, answers.computeIfAbsent(cfg.address().host(), this::resolve));
                }
            }
        }
        told.keySet().removeIf(s -> control.backends().stream()
                .noneMatch(b -> b.servers().contains(s)));
    }

    private void follow(Server s, Answer answer) {
        HostPort config = s.config().address();
        HostPort now = s.state().settings().address();
        if (!now.follows(config)) {
            once(
                    s,
                    "operator",
                    () -> LOG.info(
                            "{}: not following {} in DNS: an operator set its address to {}",
                            s.id(),
                            config.host(),
                            now));
            return;
        }
        if (answer.failure() != null) {
            once(
                    s,
                    "failed",
                    () -> LOG.warn(
                            "{}: {} does not resolve ({}); {}, resolved again every {}ms",
                            s.id(),
                            config.host(),
                            answer.failure(),
                            now.hasAddress() ? "keeps " + now.ip() : "stays in MAINT (resolution)",
                            interval.toMillis()));
            return;
        }
        InetAddress current = now.hasAddress() ? now.resolved().getAddress() : null;
        if (current != null && answer.addresses().contains(current)) {
            if (told.remove(s) != null) {
                LOG.info("{}: {} resolves to {} again", s.id(), config.host(), now.ip());
            }
            return;
        }
        InetAddress next = answer.addresses().get(0);
        HostPort moved = new HostPort(config.host(), config.port(), new InetSocketAddress(next, config.port()));
        Commit c = apply(new SetAddress(s, moved, Origin.DNS));
        if (c == null) {
            return;
        }
        if (c.refused()) {
            once(
                    s,
                    "refused " + moved.ip(),
                    () -> LOG.warn(
                            "{}: {} now resolves to {}, but the move is refused: {}; tried again every {}ms",
                            s.id(),
                            config.host(),
                            moved.ip(),
                            c.refusal().get(),
                            interval.toMillis()));
        } else {
            told.remove(s);
        }
    }

    private Commit apply(SetAddress command) {
        try {
            return control.apply(command).get(COMMIT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: address from DNS not applied", command.server().id(), e);
            return null;
        }
    }

    private void once(Server s, String situation, Runnable log) {
        if (!situation.equals(told.put(s, situation))) {
            log.run();
        }
    }

    private Answer resolve(String host) {
        try {
            List<InetAddress> all = lookup.lookup(host);
            return all.isEmpty() ? new Answer(List.of(), "no address") : new Answer(all, null);
        } catch (UnknownHostException e) {
            return new Answer(List.of(), e.getMessage() == null ? "unknown host" : e.getMessage());
        }
    }

    /** What one lookup gave: addresses, or why there are none. */
    private record Answer(List<InetAddress> addresses, String failure) {}

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            // A lookup in progress cannot be interrupted; the thread is a daemon, so it never holds the process.
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
