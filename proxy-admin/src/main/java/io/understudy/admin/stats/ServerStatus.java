package io.understudy.admin.stats;

import io.understudy.checks.CheckSnapshot;
import io.understudy.core.model.AdminFlag;
import io.understudy.core.model.Health;
import io.understudy.core.model.ServerState;
import java.util.Optional;

/**
 * Computes a server's {@code status} word the way HAProxy 2.6 does ({@code stats_fill_sv_stats_computestate} and the
 * MAINT override, reference §1.4), from the published server state and check state.
 *
 * <p>"Checked" means the server has a {@code check} and its checks are not disabled: HAProxy's {@code disable health}
 * clears the check's ENABLED flag, after which the server reads {@code no check} (observed on 2.6.12); maintenance
 * only pauses checks and does not change that.
 */
final class ServerStatus {
    private ServerStatus() {}

    /** Whether the server counts as checked: has a check and {@code disable health} is not in force. */
    static boolean checked(Optional<CheckSnapshot> check) {
        return check.isPresent() && !check.get().paused();
    }

    /** The {@code status} column: {@code MAINT}, {@code UP}, {@code UP 2/3}, {@code DRAIN}, {@code no check}, ... */
    static String text(ServerState st, Optional<CheckSnapshot> check) {
        if (st.admin().contains(AdminFlag.RMAINT)) {
            // HAProxy's words for a server whose name has no address (init-addr none).
            return "MAINT (resolution)";
        }
        if (st.inMaintenance()) {
            return "MAINT";
        }
        boolean checked = checked(check);
        Health h = checked ? check.get().health() : null;
        switch (st.op()) {
            case RUNNING, STARTING -> {
                boolean goingDown = checked && h.health() < h.max();
                if (st.draining()) {
                    return goingDown ? "DRAIN " + upFraction(h) : "DRAIN";
                }
                if (goingDown) {
                    return "UP " + upFraction(h);
                }
                return checked ? "UP" : "no check";
            }
            case STOPPING -> {
                return !checked || h.health() == h.max() ? "NOLB" : "NOLB " + upFraction(h);
            }
            default -> {
                if (!checked || h.health() == 0) {
                    return "DOWN";
                }
                return "DOWN " + h.health() + "/" + h.rise();
            }
        }
    }

    /**
     * {@code x/fall}: how many more failures it takes to go down. A running server whose counter is below {@code rise}
     * only exists between a check result and the control plane applying it; it shows as one failure from down rather
     * than HAProxy's formula's 0 or less.
     */
    private static String upFraction(Health h) {
        return Math.max(1, h.health() - h.rise() + 1) + "/" + h.fall();
    }

    /** The state HAProxy's Prometheus exporter reports for the server ({@code promex_srv_status}). */
    static ServiceState state(ServerState st) {
        if (st.inMaintenance()) {
            return ServiceState.MAINT;
        }
        return switch (st.op()) {
            case RUNNING, STARTING -> st.draining() ? ServiceState.DRAIN : ServiceState.UP;
            case STOPPING -> ServiceState.NOLB;
            case STOPPED -> ServiceState.DOWN;
        };
    }
}
