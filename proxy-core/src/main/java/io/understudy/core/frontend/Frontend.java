package io.understudy.core.frontend;

import io.understudy.core.config.FrontendConfig;
import io.understudy.core.counter.TrafficCounters;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.FrontendState;

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

    private final FrontendConfig config;
    private final Backend backend;
    private final TrafficCounters counters = new TrafficCounters();
    private volatile Status status = Status.STOP;

    /** What the control plane publishes about this frontend; null for a frontend outside a model (tests). */
    private final ControlPlane control;

    public Frontend(FrontendConfig config, Backend backend) {
        this(config, backend, null);
    }

    public Frontend(FrontendConfig config, Backend backend, ControlPlane control) {
        this.config = config;
        this.backend = backend;
        this.control = control;
    }

    /** The most sessions at once now: the config's, or what an operator set ({@code set maxconn frontend}). */
    public int maxconn() {
        return control == null
                ? config.maxconn()
                : control.frontend(config.name()).map(FrontendState::maxconn).orElse(config.maxconn());
    }

    public String name() {
        return config.name();
    }

    public FrontendConfig config() {
        return config;
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
