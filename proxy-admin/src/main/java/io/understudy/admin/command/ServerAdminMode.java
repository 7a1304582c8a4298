package io.understudy.admin.command;

import io.understudy.core.model.AdminFlag;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.Server;
import io.understudy.core.model.ServerState;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The three admin modes {@code set server b/s state} chooses, as HAProxy's {@code srv_adm_set_ready/drain/maint}
 * (reference §2.4): {@code disable server} is {@link #MAINT}, {@code enable server} is {@link #READY}.
 *
 * <p>HAProxy's {@code disabled} keyword sets FMAINT and CMAINT and counts only FMAINT as maintenance, so clearing FMAINT
 * brings a config-disabled server up. The core counts CMAINT as maintenance, so leaving maintenance here clears both,
 * which gives the same behaviour (only {@code srv_admin_state} differs: 0 here, 4 in HAProxy).
 */
enum ServerAdminMode {
    /** Neither maintenance nor drain. */
    READY("leaving maintenance/drain (admin socket)"),
    /** No new sessions; existing ones stay, checks go on. */
    DRAIN("forced drain (admin socket)"),
    /** Out of load balancing, checks paused; existing sessions stay. */
    MAINT("forced maintenance (admin socket)");

    private final String reason;

    ServerAdminMode(String reason) {
        this.reason = reason;
    }

    /** The admin flags after this mode is applied to {@code current}. */
    Set<AdminFlag> applyTo(Set<AdminFlag> current) {
        Set<AdminFlag> next = current.isEmpty() ? EnumSet.noneOf(AdminFlag.class) : EnumSet.copyOf(current);
        switch (this) {
            case READY -> {
                next.remove(AdminFlag.FMAINT);
                next.remove(AdminFlag.CMAINT);
                next.remove(AdminFlag.FDRAIN);
            }
            case DRAIN -> {
                next.remove(AdminFlag.FMAINT);
                next.remove(AdminFlag.CMAINT);
                next.add(AdminFlag.FDRAIN);
            }
            case MAINT -> {
                next.remove(AdminFlag.FDRAIN);
                next.add(AdminFlag.FMAINT);
            }
        }
        return next;
    }

    /** Applies the mode on the control plane's thread (computed from the state current there); replies empty. */
    CompletableFuture<String> apply(ControlPlane control, Server server) {
        return control.change(server, st -> {
                    Set<AdminFlag> next = applyTo(st.admin());
                    return next.equals(st.admin()) ? st : st.withAdmin(next, System.currentTimeMillis(), reason);
                })
                .thenApply(t -> "");
    }

    /** Why {@code state} takes no new sessions, in {@code show stat}'s words; empty when it is usable. */
    static String whyNotUsable(ServerState state) {
        if (state.inMaintenance()) {
            return "MAINT";
        }
        if (state.draining()) {
            return "DRAIN";
        }
        if (!state.op().takesTraffic()) {
            return state.op() == io.understudy.core.model.OpState.STOPPING ? "NOLB" : "DOWN";
        }
        if (state.weight() == 0) {
            return "weight 0";
        }
        return "";
    }
}
