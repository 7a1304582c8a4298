package io.understudy.admin.metrics;

import java.util.List;

/** The {@code state} label values of HAProxy's state-set series, in the order its exporter prints them. */
final class StateLabels {
    /** {@code server_status} and {@code backend_agg_server_status}. */
    static final List<String> SERVER = List.of("DOWN", "UP", "MAINT", "DRAIN", "NOLB");

    /** {@code backend_status} and {@code frontend_status}. */
    static final List<String> PROXY = List.of("DOWN", "UP");

    /**
     * {@code server_check_status}: every check code whose result is at least "failed" (HAProxy's
     * {@code check_statuses[]} order), including those Understudy never produces, so that dashboards find every series
     * they expect.
     */
    static final List<String> CHECK = List.of(
            "HANA",
            "SOCKERR",
            "L4OK",
            "L4TOUT",
            "L4CON",
            "L6OK",
            "L6TOUT",
            "L6RSP",
            "L7TOUT",
            "L7RSP",
            "L7OK",
            "L7OKC",
            "L7STS",
            "PROCERR",
            "PROCTOUT",
            "PROCOK");

    private StateLabels() {}
}
