package io.understudy.admin.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.understudy.admin.peers.PeerSync;
import io.understudy.admin.peers.PeerView;
import io.understudy.checks.fence.FenceView;
import io.understudy.checks.fence.WriterFence;
import io.understudy.core.model.ControlPlane;
import java.util.function.ToDoubleFunction;

/**
 * The pair's gauges: this proxy's decisions epoch and whether it has caught up, and per peer whether its link is up,
 * how long since its last state and how many epochs it lags. Read at scrape time from the same snapshots {@code show
 * peers} prints.
 */
final class PairMetrics {
    private PairMetrics() {}

    static void bind(MeterRegistry registry, String prefix, ControlPlane control, PeerSync sync) {
        Gauge.builder(prefix + ".pair.epoch", control, c -> c.adminState()
                        .epoch()
                        .value())
                .description("Epoch of this proxy's decisions (maintenance, drain, weights, manual-failback pins)")
                .register(registry);
        Gauge.builder(prefix + ".pair.ready", sync, s -> s.ready() ? 1 : 0)
                .description("1 once this proxy caught up with its peer's state or waited peers.sync-timeout for it")
                .register(registry);
        Gauge.builder(prefix + ".pair.decider", control, c -> c.pairRole().decides() ? 1 : 0)
                .description("1 while this proxy decides for the pair (keepalived MASTER)")
                .register(registry);
        for (PeerView v : sync.views()) {
            String name = v.name();
            peer(
                    registry,
                    prefix + ".peer.connected",
                    "1 while both links to the peer are up",
                    sync,
                    name,
                    p -> p.outbound() && p.inbound() ? 1 : 0);
            peer(
                    registry,
                    prefix + ".peer.last.sync.age.seconds",
                    "Seconds since the peer's last valid message",
                    sync,
                    name,
                    p -> p.lastSyncMillis()
                            .map(t -> Math.max(0, System.currentTimeMillis() - t) / 1000.0)
                            .orElse(Double.NaN));
            peer(
                    registry,
                    prefix + ".peer.epoch.lag",
                    "How many epochs the peer's decisions are behind ours",
                    sync,
                    name,
                    p -> p.epoch()
                            .map(e -> (double) (control.adminState().epoch().value() - e.value()))
                            .orElse(Double.NaN));
            peer(
                    registry,
                    prefix + ".peer.refused.messages",
                    "Messages from the peer's address refused",
                    sync,
                    name,
                    p -> p.refused());
        }
    }

    /** Per writer-role backend: whether this proxy holds the writer lock, and the lock's state as it sees it. */
    static void bindLock(MeterRegistry registry, String prefix, WriterFence fence) {
        for (FenceView v : fence.views()) {
            String backend = v.backend();
            Gauge.builder(prefix + ".backend.writer.lock.held", fence, f -> inState(f, backend, "holding"))
                    .tag("proxy", backend)
                    .description("1 while this proxy holds the pair's writer lock on the backend's writer")
                    .register(registry);
            for (String state : new String[] {"holding", "adopted", "blocked", "following", "waiting", "off"}) {
                Gauge.builder(prefix + ".backend.writer.lock.state", fence, f -> inState(f, backend, state))
                        .tags("proxy", backend, "state", state)
                        .description("1 for the state of the pair's writer lock as this proxy sees it; waiting on a"
                                + " decider means its writes are not fenced")
                        .register(registry);
            }
        }
    }

    private static double inState(WriterFence fence, String backend, String state) {
        return fence.view(backend).filter(v -> v.state().equals(state)).isPresent() ? 1 : 0;
    }

    private static void peer(
            MeterRegistry registry,
            String metric,
            String help,
            PeerSync sync,
            String name,
            ToDoubleFunction<PeerView> value) {
        Gauge.builder(metric, sync, s -> s.view(name).map(value::applyAsDouble).orElse(Double.NaN))
                .tag("peer", name)
                .description(help)
                .register(registry);
    }
}
