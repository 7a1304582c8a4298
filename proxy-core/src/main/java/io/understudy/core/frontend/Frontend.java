package io.understudy.core.frontend;

import io.understudy.core.config.FrontendConfig;
import io.understudy.core.counter.TrafficCounters;
import io.understudy.core.model.Backend;

/** A named listening side and the backend it forwards to, with its counters and listening status. */
public final class Frontend {
    /** HAProxy's frontend status words. */
    public enum Status {
        OPEN,
        STOP,
        FULL,
        /** Disabled by an operator ({@code disable frontend}): refuses connections until enabled. */
        PAUSED
    }

    /** Replaced on a reload (same name and bind); read once per new session. */
    private volatile FrontendConfig config;

    private final Backend backend;
    private final TrafficCounters counters = new TrafficCounters();
    private volatile Status status = Status.STOP;

    /**
     * The most sessions at once now: the config's, or what an operator set ({@code set maxconn frontend}), as {@link
     * FrontendControl} follows the control plane's events.
     */
    private volatile int maxconn;

    public Frontend(FrontendConfig config, Backend backend) {
        this.config = config;
        this.backend = backend;
        this.maxconn = config.maxconn();
    }

    public int maxconn() {
        return maxconn;
    }

    void maxconn(int m) {
        this.maxconn = m;
    }

    public String name() {
        return config.name();
    }

    public FrontendConfig config() {
        return config;
    }

    /** A reload's settings for this frontend ({@code timeout client}); its bind stays until a restart. */
    void reconfigure(FrontendConfig next) {
        if (!next.name().equals(config.name()) || !next.bind().equals(config.bind())) {
            throw new IllegalArgumentException("name and bind are fixed until a restart: " + config.name());
        }
        config = next;
    }

    public Backend backend() {
        return backend;
    }

    public TrafficCounters counters() {
        return counters;
    }

    public Status status() {
        return status;
    }

    void status(Status s) {
        this.status = s;
    }
}
