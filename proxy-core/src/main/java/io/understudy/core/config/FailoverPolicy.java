package io.understudy.core.config;

import java.time.Duration;

/**
 * What a backend does to sessions and traffic when servers go down and come back.
 *
 * @param failback {@code auto}: traffic returns to an active server once it is up again (HAProxy);
 *     {@code manual}: once traffic moved to a backup it stays there until an operator moves it back or that backup
 *     fails (keepalived's {@code nopreempt})
 * @param shutdownSessionsOnDown HAProxy's {@code on-marked-down shutdown-sessions}: close the sessions of a server
 *     marked down, so no client keeps writing to a server that lost its role
 * @param shutdownBackupSessionsOnUp HAProxy's {@code on-marked-up shutdown-backup-sessions}: when traffic goes back
 *     to an active server, close the sessions still on backups, so two servers never take writes at once
 * @param failbackDelay writer role, {@code failback = auto}: an active server that health checks brought back up takes
 *     the traffic back only once it has stayed up this long (keepalived's {@code preempt_delay}), so a server that
 *     stutters (up for a moment between stalls) does not pull the writes back and forth; zero fails back at once
 * @param drainTimeout writer role: when traffic moves, the longest the new server waits for the old one's sessions to
 *     end. Sessions at rest (the server answered last) are closed at once; a request in flight may finish, so that
 *     no write lands on the old server after the first one on the new; at this timeout the rest are closed and the
 *     new server takes the traffic whatever is left
 */
public record FailoverPolicy(
        Failback failback,
        boolean shutdownSessionsOnDown,
        boolean shutdownBackupSessionsOnUp,
        Duration failbackDelay,
        Duration drainTimeout) {
    /** Failback modes. */
    public enum Failback {
        AUTO,
        MANUAL
    }

    /** reference.conf's {@code failback-delay}. */
    public static final Duration DEFAULT_FAILBACK_DELAY = Duration.ofSeconds(2);

    /** reference.conf's {@code timeout drain}. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(1);

    public FailoverPolicy {
        if (failbackDelay.isNegative() || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("failback-delay and timeout drain must not be negative");
        }
    }

    /** A policy that fails back as soon as the active server is up (HAProxy's way), with the default drain timeout. */
    public FailoverPolicy(Failback failback, boolean shutdownSessionsOnDown, boolean shutdownBackupSessionsOnUp) {
        this(failback, shutdownSessionsOnDown, shutdownBackupSessionsOnUp, Duration.ZERO, DEFAULT_DRAIN_TIMEOUT);
    }

    /** This product's defaults, as reference.conf has them. */
    public static FailoverPolicy defaults() {
        return new FailoverPolicy(Failback.AUTO, true, true, DEFAULT_FAILBACK_DELAY, DEFAULT_DRAIN_TIMEOUT);
    }

    /** The same policy with another {@code failback-delay}. */
    public FailoverPolicy withFailbackDelay(Duration delay) {
        return new FailoverPolicy(failback, shutdownSessionsOnDown, shutdownBackupSessionsOnUp, delay, drainTimeout);
    }

    /** The same policy with another {@code timeout drain}. */
    public FailoverPolicy withDrainTimeout(Duration timeout) {
        return new FailoverPolicy(failback, shutdownSessionsOnDown, shutdownBackupSessionsOnUp, failbackDelay, timeout);
    }
}
