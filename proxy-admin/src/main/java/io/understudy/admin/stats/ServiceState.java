package io.understudy.admin.stats;

/**
 * The coarse state of a row, the way HAProxy's Prometheus exporter labels {@code *_status{state=...}}: the
 * {@code status} column says more ({@code UP 2/3}, {@code no check}, {@code DOWN 1/2}), this says which of five states
 * that is, so metrics can export one 0/1 series per state without parsing text.
 */
public enum ServiceState {
    /** Takes traffic: a running server (checked or not, transitional or not), a backend with a usable server, an open
     * frontend. */
    UP,
    /** Takes none: a stopped server, a backend without any usable server, a stopped frontend. */
    DOWN,
    /** A server in maintenance (any MAINT flag). */
    MAINT,
    /** A running server an operator is draining. */
    DRAIN,
    /** A server going down gracefully (HAProxy's STOPPING). */
    NOLB
}
