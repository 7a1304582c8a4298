package io.understudy.core.model;

/**
 * What an operator set of a frontend at runtime: disabled ({@code disable frontend}: it refuses new connections until
 * {@code enable frontend}), stopped for good ({@code shutdown frontend}, until the process restarts) and its {@code
 * maxconn}. Published by the control plane; the frontend's listener follows it.
 *
 * @param disabled paused by an operator
 * @param stopped shut down by an operator: neither enable nor disable applies any more
 * @param maxconn the most sessions at once, at least 1
 */
public record FrontendState(boolean disabled, boolean stopped, int maxconn) {
    public FrontendState {
        if (maxconn < 1) {
            throw new IllegalArgumentException("maxconn must be >= 1: " + maxconn);
        }
    }

    /** What the config gives: open, with its maxconn. */
    public static FrontendState of(int maxconn) {
        return new FrontendState(false, false, maxconn);
    }

    FrontendState withDisabled(boolean d) {
        return new FrontendState(d, stopped, maxconn);
    }

    FrontendState stop() {
        return new FrontendState(disabled, true, maxconn);
    }

    FrontendState withMaxconn(int m) {
        return new FrontendState(disabled, stopped, m);
    }

    /** {@code disabled -> enabled, maxconn 2000 -> 100}, for the log. */
    String changesFrom(FrontendState before) {
        Changes c = new Changes();
        if (before.stopped != stopped) {
            c.word("shut down");
        } else if (before.disabled != disabled) {
            c.word(disabled ? "disabled" : "enabled");
        }
        return c.add("maxconn", before.maxconn, maxconn).toString();
    }
}
