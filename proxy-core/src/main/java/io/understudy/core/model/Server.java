package io.understudy.core.model;

import io.understudy.core.backend.GreetingClock;
import io.understudy.core.config.ServerConfig;
import io.understudy.core.counter.TrafficCounters;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server of a backend, addressed {@code backend/server} everywhere. Its identity and counters are fixed; its
 * {@link ServerState} is replaced as a whole by the control plane, the only writer; its slots (sessions chosen for it,
 * connecting or connected) are taken by {@link BackendSnapshot#select} and given back by {@link Slot#release()}.
 */
public final class Server {
    private final String backendName;
    /** Replaced by the control plane on a reload (same name and backup flag); read from anywhere. */
    private volatile ServerConfig config;

    private final String id;
    private final TrafficCounters counters = new TrafficCounters();
    private final GreetingClock greetings;
    private final GreetingClock logins;

    /** HAProxy's {@code served}: slots taken, from the moment a session is sent here until it ends. Any thread. */
    private final AtomicInteger served = new AtomicInteger();

    /** Written only by the control plane's thread; read from anywhere. */
    private volatile ServerState state;

    /** The backend's queue, told whenever one of this server's slots comes free. */
    private final PendingQueue queue;

    Server(String backendName, ServerConfig config, long nowMillis, PendingQueue queue, Optional<Duration> greeting) {
        this.backendName = backendName;
        this.greetings = new GreetingClock(greeting);
        this.logins = new GreetingClock(greeting, "login answer");
        this.queue = queue;
        this.config = config;
        this.id = backendName + "/" + config.name();
        this.state = ServerState.initial(config, nowMillis);
    }

    /** {@code backend/server}. */
    public String id() {
        return id;
    }

    public String name() {
        return config.name();
    }

    public String backendName() {
        return backendName;
    }

    public ServerConfig config() {
        return config;
    }

    /** Control plane's thread: the reloaded config's settings for this server (checks, id, weight, maxconn). */
    void reconfigure(ServerConfig next) {
        if (!next.name().equals(config.name()) || next.backup() != config.backup()) {
            throw new IllegalArgumentException("name and backup are fixed until a restart: " + id);
        }
        config = next;
    }

    public boolean isBackup() {
        return config.backup();
    }

    /** Where sessions go now: the config's address, or the one an operator set ({@code set server addr}). */
    public InetSocketAddress address() {
        return state.settings().address().resolved();
    }

    /** Where health checks connect now: {@link #address()}, on the check port when one is set. */
    public InetSocketAddress checkAddress() {
        return state.settings().checkAddress();
    }

    /** At most this many sessions at once now, 0 for no limit ({@code set maxconn server} changes it). */
    public int maxconn() {
        return state.settings().maxconn();
    }

    public TrafficCounters counters() {
        return counters;
    }

    /** What this server's greeting usually takes, and so how long the next may take ({@code timeout greeting}). */
    public GreetingClock greetings() {
        return greetings;
    }

    /**
     * What this server's answer to a client's login usually takes (from the client's first bytes to the server's
     * answer, live sessions only: the checks' account may authenticate faster than the applications'), and so how
     * long the next may take before the session counts as stalled: a frozen server is found by the first client whose
     * login it leaves unanswered, not only by new connects.
     */
    public GreetingClock logins() {
        return logins;
    }

    public ServerState state() {
        return state;
    }

    /** The control plane's commit, and nothing else, publishes a new state. */
    void publish(ServerState next) {
        this.state = next;
    }

    /** Sessions sent to this server and not ended yet, those still connecting included. */
    public int served() {
        return served.get();
    }

    /** Whether this server has a free slot under its {@code maxconn} (always, when unlimited). */
    public boolean hasFreeSlot() {
        int max = maxconn();
        return max == 0 || served.get() < max;
    }

    /** Takes a slot if one is free; never more than {@code maxconn}, whatever the number of threads racing. */
    boolean tryTakeSlot() {
        int max = maxconn();
        if (max == 0) {
            served.incrementAndGet();
            return true;
        }
        while (true) {
            int now = served.get();
            if (now >= max) {
                return false;
            }
            if (served.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives a slot back and lets the backend's queue have it. */
    void releaseSlot() {
        served.decrementAndGet();
        queue.drain();
    }

    @Override
    public String toString() {
        return id;
    }
}
