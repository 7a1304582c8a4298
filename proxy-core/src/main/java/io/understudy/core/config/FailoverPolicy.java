package io.understudy.core.config;

/**
 * What a backend does to sessions and traffic when servers go down and come back.
 *
 * @param failback {@code auto}: traffic returns to an active server as soon as it is up again (HAProxy);
 *     {@code manual}: once traffic moved to a backup it stays there until an operator moves it back or that backup
 *     fails (keepalived's {@code nopreempt})
 * @param shutdownSessionsOnDown HAProxy's {@code on-marked-down shutdown-sessions}: close the sessions of a server
 *     marked down, so no client keeps writing to a server that lost its role
 * @param shutdownBackupSessionsOnUp HAProxy's {@code on-marked-up shutdown-backup-sessions}: when traffic goes back
 *     to an active server, close the sessions still on backups, so two servers never take writes at once
 */
public record FailoverPolicy(Failback failback, boolean shutdownSessionsOnDown, boolean shutdownBackupSessionsOnUp) {
    /** Failback modes. */
    public enum Failback {
        AUTO,
        MANUAL
    }

    /** This product's defaults: automatic failback, and sessions closed on both failover and failback. */
    public static FailoverPolicy defaults() {
        return new FailoverPolicy(Failback.AUTO, true, true);
    }
}
