package io.understudy.core.model;

/**
 * The process-wide limits an operator may set at runtime: {@code set maxconn global} and {@code set rate-limit
 * connections global}. Published by the control plane; the frontends' accepting follows them.
 *
 * @param maxconn the most sessions at once in the whole process, 0 for what the file-descriptor limit allows
 * @param connRate the most new connections per second in the whole process, 0 for no limit
 */
public record ProcessLimits(int maxconn, int connRate) {
    /** No limit set: the file-descriptor budget alone, any rate. */
    public static final ProcessLimits NONE = new ProcessLimits(0, 0);

    public ProcessLimits {
        if (maxconn < 0 || connRate < 0) {
            throw new IllegalArgumentException("limits must be >= 0: " + maxconn + ", " + connRate);
        }
    }

    String changesFrom(ProcessLimits before) {
        return new Changes()
                .add("global maxconn", before.maxconn, maxconn)
                .add("connection rate limit", before.connRate, connRate)
                .toString();
    }
}
