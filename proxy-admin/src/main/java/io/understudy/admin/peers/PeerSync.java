package io.understudy.admin.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.PeersConfig;
import io.understudy.core.frontend.BindFailedException;
import io.understudy.core.model.AdminState;
import io.understudy.core.model.AdminState.Note;
import io.understudy.core.model.Commit;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlObserver;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.ModelEvent;
import io.understudy.core.model.Origin;
import io.understudy.core.model.PairRole;
import io.understudy.core.transport.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this proxy's decisions and its peer's the same. Sends this proxy's whole admin state to the peer when it
 * changes and every {@code peers.interval}; adopts the peer's state, through the control plane with origin {@code
 * peer}, when its epoch is higher. A follower (not the keepalived MASTER) whose own checks moved a manual backend's
 * traffic goes back to the decider's state at once: raw health is never shared, and a monitor never rewrites the pair's
 * decision.
 *
 * <p>At start this proxy is not ready (its {@code /health} says why) until it has the peer's state, or until {@code
 * peers.sync-timeout} passed without it, then it runs alone; once ready it stays ready, also when the link drops
 * later. Everything here runs on one event loop ({@code understudy-peers}), so its state needs no lock; readers get
 * {@link PeerView} snapshots.
 */
public final class PeerSync implements ControlObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSync.class);
    /** Silence from the peer for this many intervals closes its link: it is gone or frozen. */
    private static final int SILENT_INTERVALS = 3;

    private final PeersConfig config;
    private final ControlPlane control;
    private final Transport transport;
    private final PeerAuth auth;
    /** Fingerprint of this proxy's backends and servers, in configuration order. */
    private final String topology;

    private final Map<String, Peer> peers = new LinkedHashMap<>();
    /**
     * When the link started (the listener bound, the dialers running): sync-timeout counts from there, not from the
     * process's start, which a slow restore or a loaded machine can stretch past it. 0 until then.
     */
    private volatile long startNanos;

    private volatile EventLoopGroup group;
    private volatile EventLoop loop;
    private volatile Channel server;
    private volatile ScheduledFuture<?> heartbeat;
    private volatile boolean closed;
    /** Per remote address, the kind of the last refusal logged: a repeated refusal is logged at DEBUG only. */
    private final Map<String, String> refusalLogged = new java.util.HashMap<>();

    private volatile boolean ready;
    private volatile String readyHow = "";

    /** What this proxy knows of one peer; event loop only, published as {@link PeerView}. */
    private static final class Peer {
        final String name;
        final HostPort address;
        volatile PeerLink link;
        /** Inbound connections from this peer that passed authentication: an old one closing leaves a newer one. */
        int inboundCount;

        volatile boolean inbound;
        volatile Optional<PeerMessage> last = Optional.empty();
        volatile Optional<Long> lastSyncMillis = Optional.empty();
        volatile long refused;
        volatile Optional<String> lastRefusal = Optional.empty();
        volatile boolean outbound;
        boolean importing;
        boolean caughtUp;
        volatile boolean topologyDiffers;

        Peer(String name, HostPort address) {
            this.name = name;
            this.address = address;
        }
    }

    public PeerSync(PeersConfig config, ControlPlane control, Transport transport) {
        this.config = config;
        this.control = control;
        this.transport = transport;
        this.auth = new PeerAuth(config.secret());
        this.topology = topology(control);
        config.others().forEach((name, address) -> peers.put(name, new Peer(name, address)));
    }

    /**
     * Binds the peer listener and starts dialing the peer; blocks until bound (never call it on an event loop).
     *
     * @throws BindFailedException naming the address and the OS reason; nothing is left running
     */
    public synchronized void start() throws BindFailedException {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        group = transport.newGroup(1, "understudy-peers");
        loop = group.next();
        long silentMs = config.interval().toMillis() * SILENT_INTERVALS;
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new IdleStateHandler(silentMs, 0, 0, TimeUnit.MILLISECONDS))
                                .addLast(new LengthFieldBasedFrameDecoder(
                                        config.maxMessage() + PeerAuth.MAC_BYTES, 0, 4, 0, 4))
                                .addLast(new LengthFieldPrepender(4))
                                .addLast(new PeerInbound(auth, PeerSync.this, peers.keySet(), config.maxMessage()));
                    }
                });
        ChannelFuture f = b.bind(config.localAddress().resolved()).awaitUninterruptibly();
        if (!f.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
            throw new BindFailedException(
                    "cannot bind the peer link to " + config.localAddress() + ": "
                            + f.cause().getMessage(),
                    f.cause());
        }
        server = f.channel();
        startNanos = System.nanoTime();
        control.addObserver(this);
        for (Peer p : peers.values()) {
            p.link = new PeerLink(p.name, p.address, loop, transport, auth, this::sendTo, silentMs);
            p.link.start();
        }
        long every = config.interval().toMillis();
        heartbeat = loop.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
        LOG.info(
                "peers: {} listening on {} for {}; decisions at epoch {}; waiting up to {} ms for the peer's state",
                config.local(),
                address(),
                String.join(", ", peers.keySet()),
                control.adminState().epoch(),
                config.syncTimeout().toMillis());
    }

    /** Where the peer listener is bound (the real port when the config said 0). */
    public InetSocketAddress address() {
        Channel ch = server;
        return ch == null ? config.localAddress().resolved() : (InetSocketAddress) ch.localAddress();
    }

    /**
     * Whether this proxy has caught up with its peer (or waited {@code sync-timeout} for it and runs alone): what
     * {@code /health} reports to keepalived.
     */
    public boolean ready() {
        return ready || checkTimeout();
    }

    /** Why this proxy is ready ({@code caught up with lbB}, {@code alone: ...}), or what it waits for. */
    public String readiness() {
        if (ready()) {
            return readyHow;
        }
        long waited = startNanos == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        return "waiting for the state of peer " + String.join(", ", peers.keySet()) + " (" + waited + " ms of "
                + config.syncTimeout().toMillis() + " ms)";
    }

    private synchronized boolean checkTimeout() {
        if (!ready
                && startNanos != 0
                && System.nanoTime() - startNanos >= config.syncTimeout().toNanos()) {
            readyHow = "alone: no state from peer " + String.join(", ", peers.keySet()) + " within peers.sync-timeout "
                    + config.syncTimeout().toMillis() + " ms";
            ready = true;
            LOG.warn(
                    "peers: {}; serving with this proxy's own decisions (epoch {})",
                    readyHow,
                    control.adminState().epoch());
        }
        return ready;
    }

    /** Snapshots of every peer. */
    public List<PeerView> views() {
        List<PeerView> out = new ArrayList<>();
        for (Peer p : peers.values()) {
            out.add(view(p));
        }
        return out;
    }

    /** The snapshot of peer {@code name}, if it is one. */
    public Optional<PeerView> view(String name) {
        return Optional.ofNullable(peers.get(name)).map(PeerSync::view);
    }

    private static PeerView view(Peer p) {
        Optional<PeerMessage> m = p.last;
        return new PeerView(
                p.name,
                p.address.toString(),
                p.outbound,
                p.inbound,
                p.lastSyncMillis,
                m.map(PeerMessage::role),
                m.map(x -> x.state().epoch()),
                p.refused,
                p.lastRefusal,
                p.topologyDiffers);
    }

    // ---- the control plane's side (control thread) ----

    /**
     * A follower's server changed (a check, live traffic): what it can apply of the decider's state may have changed
     * too (a pinned backup usable again), so it looks again. Cheap: nothing happens when the decisions agree.
     */
    @Override
    public void onEvent(ModelEvent event) {
        EventLoop l = loop;
        if (l == null || closed || control.pairRole().decides() || !event.visible()) {
            return;
        }
        if (event.origin() == Origin.HEALTH || event.origin() == Origin.TRAFFIC) {
            l.execute(this::realign);
        }
    }

    @Override
    public void onAdminState(AdminState state, Origin origin, Note lastChange) {
        EventLoop l = loop;
        if (l == null || closed) {
            return;
        }
        // A follower's own deviation (origin health or traffic) was already answered by onEvent's realign.
        if (origin != Origin.PEER) {
            l.execute(this::sendAll);
        }
    }

    // ---- the event loop's side ----

    private void tick() {
        checkTimeout();
        sendAll();
    }

    private void sendAll() {
        peers.values().forEach(p -> {
            if (p.link != null) {
                sendTo(p.link);
            }
        });
    }

    private void sendTo(PeerLink link) {
        Peer p = peers.get(link.name());
        p.outbound = link.up();
        ControlPlane.SharedState shared = control.sharedState();
        AdminState mine = shared.state();
        AdminState.Epoch parent = shared.parent();
        PairRole role = control.pairRole();
        link.send(seq -> new PeerMessage(config.local(), seq, role, parent, topology, mine));
    }

    void inboundUp(String name, String remote) {
        Peer p = peers.get(name);
        p.inboundCount++;
        if (!p.inbound) {
            LOG.info("peer {}: receiving its state from {}", name, remote);
        }
        p.inbound = true;
        PeerLink link = p.link;
        if (link != null) {
            link.kick();
        }
    }

    void inboundDown(String name) {
        Peer p = peers.get(name);
        p.inboundCount = Math.max(0, p.inboundCount - 1);
        if (p.inboundCount == 0 && p.inbound) {
            p.inbound = false;
            LOG.warn(
                    "peer {}: its link to this proxy closed; this proxy keeps its decisions (epoch {})",
                    name,
                    control.adminState().epoch());
        }
    }

    void refused(String remote, String why) {
        String ip = remote.replaceFirst(":\\d+$", "");
        for (Peer p : peers.values()) {
            if (p.address.resolved().getAddress().getHostAddress().equals(ip)) {
                p.refused++;
                p.lastRefusal = Optional.of(why);
            }
        }
        // Logged once per address and kind of refusal (the text without its numbers and names), so that a peer with
        // the wrong secret, or a scanner, cannot flood the log.
        String kind = why.replaceAll("[(:'].*$", "").trim();
        if (!kind.equals(refusalLogged.put(ip, kind))) {
            LOG.warn("peers: refused a message from {}: {}; the state in force is unchanged", remote, why);
        } else {
            LOG.debug("peers: refused a message from {}: {}", remote, why);
        }
    }

    /** SHA-256 of every backend's name and its servers' names in order, first 16 hex digits. */
    static String topology(ControlPlane control) {
        StringBuilder t = new StringBuilder();
        control.backends().forEach(b -> {
            t.append(b.name()).append('\0');
            // The config's servers: those added or deleted at runtime travel in the state, not in the topology.
            b.config().servers().forEach(s -> t.append(s.name()).append('\0'));
            t.append('\n');
        });
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(t.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A checked message from a peer. */
    void received(PeerMessage m) {
        Peer p = peers.get(m.from());
        boolean differs = !m.topology().isEmpty() && !m.topology().equals(topology);
        if (differs && !p.topologyDiffers) {
            LOG.warn(
                    "peer {}: its config lists other backends or servers, or in another order (topology {}, ours {}):"
                            + " the writer lock and the shared decisions only agree on the same list; fix the configs",
                    p.name,
                    m.topology(),
                    topology);
        }
        p.topologyDiffers = differs;
        p.last = Optional.of(m);
        p.lastSyncMillis = Optional.of(System.currentTimeMillis());
        PeerLink link = p.link;
        p.outbound = link != null && link.up();
        consider(p, m);
    }

    /**
     * Adopts the peer's state when it is newer, or, on a follower, when its own view moved away from the decider's
     * state (also when a pin it could not apply before may apply now). A deciding proxy takes a newer state only when
     * it was made on its own current one; otherwise the two sides changed things apart, and the decider keeps its
     * decisions and numbers them above the peer's.
     */
    private void consider(Peer p, PeerMessage m) {
        if (p.importing || closed) {
            return;
        }
        AdminState mine = control.adminState();
        AdminState theirs = m.state();
        boolean newer = theirs.epoch().newerThan(mine.epoch());
        boolean decides = control.pairRole().decides();
        boolean realign = theirs.epoch().equals(mine.epoch())
                && !theirs.sameDecisions(mine)
                && m.role().decides()
                && !decides;
        // Only over a follower's state: when both decide (VRRP cut, the link still up), the newer one simply wins, so
        // two deciders cannot outrank each other for ever.
        if (newer
                && decides
                && !m.role().decides()
                && !m.parent().equals(mine.epoch())
                && !theirs.sameDecisions(mine)) {
            p.importing = true;
            String why = "peer " + p.name + "'s decisions (epoch " + theirs.epoch() + ", made on " + m.parent()
                    + ") were not made on this proxy's (" + mine.epoch() + "), and this proxy decides: its own stay";
            control.apply(new ControlCommand.Outrank(theirs.epoch(), Origin.PEER, why))
                    .whenComplete((commit, error) -> loop.execute(() -> {
                        p.importing = false;
                        sendAll();
                        caughtUp(p, "kept this proxy's decisions over a conflicting state");
                    }));
            return;
        }
        if (!newer && !realign) {
            caughtUp(p, "its state is not newer than ours (epoch " + theirs.epoch() + ", ours " + mine.epoch() + ")");
            return;
        }
        p.importing = true;
        String source = "peer " + p.name;
        control.apply(new ControlCommand.ImportAdminState(theirs, Origin.PEER, source, Optional.of(mine.epoch())))
                .whenComplete((commit, error) -> loop.execute(() -> imported(p, m, mine, commit, error)));
    }

    private void imported(Peer p, PeerMessage m, AdminState before, Commit commit, Throwable error) {
        p.importing = false;
        if (error != null || commit.refused()) {
            // A change made here meanwhile (a stale import) is no error: the next message is compared afresh.
            LOG.debug(
                    "peer {}: its state (epoch {}) not applied: {}",
                    p.name,
                    m.state().epoch(),
                    error != null ? error.toString() : commit.refusal().orElse(""));
            return;
        }
        if (!commit.events().isEmpty() || !before.epoch().equals(m.state().epoch())) {
            LOG.info(
                    "peer {} ({}): adopted its decisions, epoch {} (ours was {}): {} change(s){}",
                    p.name,
                    m.role(),
                    m.state().epoch(),
                    before.epoch(),
                    commit.events().size(),
                    commit.ignored().isEmpty()
                            ? ""
                            : "; not applicable here yet: " + String.join("; ", commit.ignored()));
        }
        caughtUp(p, "adopted its state, epoch " + m.state().epoch());
    }

    private synchronized void caughtUp(Peer p, String how) {
        if (!p.caughtUp) {
            p.caughtUp = true;
            if (!ready) {
                readyHow = "caught up with peer " + p.name + ": " + how;
                ready = true;
                LOG.info("peers: {}", readyHow);
            }
        }
    }

    /** This follower's own view moved: back to the decider's decisions, if the decider is connected. */
    private void realign() {
        for (Peer p : peers.values()) {
            Optional<PeerMessage> m = p.last;
            if (m.isPresent() && p.inbound && m.get().role().decides()) {
                consider(p, m.get());
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (group == null) {
            return;
        }
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        peers.values().forEach(p -> {
            if (p.link != null) {
                p.link.close();
            }
        });
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        group = null;
    }
}
