package io.understudy.core.model;

/**
 * A server's operational state, HAProxy's {@code SRV_ST_*}; the ordinal is the {@code srv_op_state} number printed by
 * {@code show servers state}.
 */
public enum OpState {
    /** Down: health checks (or an operator) say it cannot serve. */
    STOPPED,
    /** Coming back up (slow start); takes traffic. */
    STARTING,
    /** Up and taking traffic. */
    RUNNING,
    /** Going down gracefully (soft stop); takes no new traffic. */
    STOPPING;

    /** Whether a server in this state may be handed new sessions (admin flags permitting). */
    public boolean takesTraffic() {
        return this == RUNNING || this == STARTING;
    }
}
