package io.understudy.core.model;

import java.util.Locale;
import java.util.Optional;

/**
 * What this proxy is in its pair, as keepalived's {@code notify} reports it: only the proxy holding the virtual IP
 * ({@link #MASTER}), or a proxy without a pair ({@link #ALONE}), decides; the others follow the decider's state and keep
 * their own health views to themselves.
 */
public enum PairRole {
    /** No {@code peers} section: this proxy decides for itself, as it always did. */
    ALONE,
    /** A pair member that keepalived has not told anything yet. */
    UNKNOWN,
    /** keepalived's MASTER: holds the virtual IP, so it decides. */
    MASTER,
    /** keepalived's BACKUP: follows. */
    BACKUP,
    /** keepalived's FAULT (a tracked script failed): follows. */
    FAULT,
    /** keepalived stopped: follows. */
    STOP;

    /** Whether a failover decided here is a decision of the pair (numbered and sent to the peer). */
    public boolean decides() {
        return this == ALONE || this == MASTER;
    }

    /** Reads keepalived's word (any case); {@code ALONE} and {@code UNKNOWN} are not keepalived's and are refused. */
    public static Optional<PairRole> ofKeepalived(String word) {
        String w = word.toUpperCase(Locale.ROOT);
        for (PairRole r : new PairRole[] {MASTER, BACKUP, FAULT, STOP}) {
            if (r.name().equals(w)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
