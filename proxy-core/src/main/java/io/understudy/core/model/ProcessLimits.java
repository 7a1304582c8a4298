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
        StringBuilder out = new StringBuilder();
        if (before.maxconn != maxconn) {
            out.append("global maxconn ").append(before.maxconn).append(" -> ").append(maxconn);
        }
        if (before.connRate != connRate) {
            out.append(out.isEmpty() ? "" : ", ")
                    .append("connection rate limit ")
                    .append(before.connRate)
                    .append(" -> ")
                    .append(connRate);
        }
        return out.toString();
    }
}
