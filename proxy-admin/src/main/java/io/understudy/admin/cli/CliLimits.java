package io.understudy.admin.cli;

import java.time.Duration;

/**
 * The bounds an admin connection lives within, so that no client can make the proxy buffer without limit or keep
 * connections forever.
 *
 * @param maxLineBytes the longest request line read; a longer one gets an error line and the connection is closed
 * @param maxConnectionsPerSocket connections one socket serves at once; beyond, an error line and close
 * @param idleTimeout how long a connection may wait without sending a complete line (HAProxy's {@code stats timeout},
 *     10 s by default)
 * @param commandTimeout how long a command may wait for the control plane before the client is told so
 */
public record CliLimits(int maxLineBytes, int maxConnectionsPerSocket, Duration idleTimeout, Duration commandTimeout) {
    public CliLimits {
        if (maxLineBytes < 1 || maxConnectionsPerSocket < 1) {
            throw new IllegalArgumentException(
                    "admin limits must be positive: " + maxLineBytes + ", " + maxConnectionsPerSocket);
        }
        if (idleTimeout.isNegative()
                || idleTimeout.isZero()
                || commandTimeout.isNegative()
                || commandTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "admin timeouts must be positive: " + idleTimeout + ", " + commandTimeout);
        }
    }

    /** 64 KiB lines, 100 connections per socket, 10 s idle (HAProxy's default), 10 s per command. */
    public static CliLimits defaults() {
        return new CliLimits(64 * 1024, 100, Duration.ofSeconds(10), Duration.ofSeconds(10));
    }
}
