package io.understudy.core.model;

/**
 * How often an object went down and for how long in total: HAProxy's {@code chkdown} and {@code downtime} columns, kept
 * by the commit that changes the object, so nothing outside the model has to watch for it.
 *
 * @param transitions how often it went down
 * @param completedMillis the length of the down periods that ended
 * @param downSinceMillis when the current down period started, or -1 while up
 */
public record Downtime(long transitions, long completedMillis, long downSinceMillis) {
    static Downtime initial(boolean down, long nowMillis) {
        return new Downtime(0, 0, down ? nowMillis : -1);
    }

    /** Whether a down period is running. */
    public boolean down() {
        return downSinceMillis >= 0;
    }

    /** The same history after going down ({@code true}) or up at {@code atMillis}; unchanged if nothing flips. */
    Downtime went(boolean nowDown, long atMillis) {
        if (nowDown == down()) {
            return this;
        }
        if (nowDown) {
            return new Downtime(transitions + 1, completedMillis, atMillis);
        }
        return new Downtime(transitions, completedMillis + Math.max(0, atMillis - downSinceMillis), -1);
    }

    /** Total time down at {@code nowMillis}, the running period included, in whole seconds. */
    public long seconds(long nowMillis) {
        long running = down() ? Math.max(0, nowMillis - downSinceMillis) : 0;
        return (completedMillis + running) / 1000;
    }
}
