package io.understudy.admin.stats;

import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlObserver;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.OpState;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerState;
import io.understudy.core.model.ServerTransition;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts, for every server and backend, its UP-to-DOWN transitions and its accumulated time down: HAProxy's
 * {@code chkdown} and {@code downtime} columns, which nothing in the core keeps. It listens to the control plane's
 * transitions, so it is exact from the moment it is {@linkplain #attach attached}: attach it before the health checker
 * starts, or down periods that ended before are missing.
 *
 * <p>HAProxy's rules: a server is down while stopped or in maintenance (entering maintenance counts as a down
 * transition, observed on 2.6 and 2.9); draining and weight 0 are not down. A backend is down while it has no usable
 * server, and its {@code chkdown} counts how often it lost the last one.
 */
public final class DowntimeTracker implements ControlObserver {
    /**
     * What {@code show stat} prints for one object.
     *
     * @param downTransitions how often it went down ({@code chkdown})
     * @param downtimeSeconds total time down, the current down period included ({@code downtime})
     */
    public record Tally(long downTransitions, long downtimeSeconds) {}

    /** The history of one object; replaced as a whole by the control plane's thread, the only writer. */
    private record Periods(long transitions, long completedMillis, long downSinceMillis) {
        static Periods initial(boolean down, long sinceMillis) {
            return new Periods(0, 0, down ? sinceMillis : -1);
        }

        Periods went(boolean down, long atMillis) {
            if (down) {
                return new Periods(transitions + 1, completedMillis, atMillis);
            }
            return new Periods(transitions, completedMillis + Math.max(0, atMillis - downSinceMillis), -1);
        }

        Tally at(long nowMillis) {
            long current = downSinceMillis < 0 ? 0 : Math.max(0, nowMillis - downSinceMillis);
            return new Tally(transitions, (completedMillis + current) / 1000);
        }
    }

    // Written only on the control plane's thread (construction included); read from anywhere without locking.
    private final Map<String, Backend> backends = new ConcurrentHashMap<>();
    private final Map<Server, Periods> servers = new ConcurrentHashMap<>();
    private final Map<String, Periods> backendPeriods = new ConcurrentHashMap<>();

    /** Starts from the current states: an object already down counts as down since its last change. */
    DowntimeTracker(List<Backend> all) {
        for (Backend b : all) {
            backends.put(b.name(), b);
            backendPeriods.put(b.name(), Periods.initial(b.snapshot().noServerAvailable(), b.lastChangeMillis()));
            for (Server s : b.servers()) {
                ServerState st = s.state();
                servers.put(s, Periods.initial(down(st), st.lastChangeMillis()));
            }
        }
    }

    /**
     * Creates a tracker for every backend of {@code control} and registers it as an observer. Both happen on the control
     * plane's thread, so no transition can fall between reading the initial states and listening.
     */
    public static DowntimeTracker attach(ControlPlane control) {
        AtomicReference<DowntimeTracker> made = new AtomicReference<>();
        control.submit(() -> {
                    DowntimeTracker t = new DowntimeTracker(control.backends());
                    control.addObserver(t);
                    made.set(t);
                })
                .join();
        return made.get();
    }

    /** HAProxy's notion of a down server: stopped (its {@code cur_state} is also STOPPED in maintenance). */
    static boolean down(ServerState st) {
        return st.op() == OpState.STOPPED || st.inMaintenance();
    }

    @Override
    public void onTransition(ServerTransition t) {
        boolean wasDown = down(t.before());
        boolean isDown = down(t.after());
        if (wasDown != isDown) {
            // after.lastChangeMillis() is when this change was published: the exact start or end of the period.
            Periods p = servers.get(t.server());
            if (p != null) {
                servers.put(t.server(), p.went(isDown, t.after().lastChangeMillis()));
            }
        }
        boolean beWasDown = t.snapshotBefore().noServerAvailable();
        boolean beIsDown = t.snapshot().noServerAvailable();
        Backend b = backends.get(t.server().backendName());
        Periods bp = b == null ? null : backendPeriods.get(b.name());
        if (bp != null && beWasDown != beIsDown) {
            backendPeriods.put(b.name(), bp.went(beIsDown, b.lastChangeMillis()));
        }
    }

    /** The server's tally at {@code nowMillis}; zeros for a server this tracker does not know. */
    public Tally server(Server server, long nowMillis) {
        Periods p = servers.get(server);
        return p == null ? new Tally(0, 0) : p.at(nowMillis);
    }

    /** The backend's tally at {@code nowMillis}; zeros for a backend this tracker does not know. */
    public Tally backend(Backend backend, long nowMillis) {
        Periods p = backendPeriods.get(backend.name());
        return p == null ? new Tally(0, 0) : p.at(nowMillis);
    }
}
