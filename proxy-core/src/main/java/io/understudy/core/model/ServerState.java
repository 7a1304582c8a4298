package io.understudy.core.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * An immutable snapshot of one server's state. The control plane is its only writer; everything else reads it.
 *
 * @param op the operational state
 * @param admin the admin flags (an unmodifiable set)
 * @param weight the current user weight, 0..256 ({@code set server ... weight})
 * @param lastChangeMillis wall-clock time of the last operational or admin change ({@code lastchg})
 * @param reason why the last change happened, for logs and {@code show stat}
 */
public record ServerState(OpState op, Set<AdminFlag> admin, int weight, long lastChangeMillis, String reason) {
    public ServerState {
        admin = admin.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(EnumSet.copyOf(admin));
    }

    /** The state a server starts in before any check has run: running, unless the config disables it. */
    public static ServerState initial(boolean disabled, int weight, long nowMillis) {
        Set<AdminFlag> flags = disabled ? EnumSet.of(AdminFlag.CMAINT) : EnumSet.noneOf(AdminFlag.class);
        return new ServerState(OpState.RUNNING, flags, weight, nowMillis, disabled ? "disabled in config" : "startup");
    }

    /** In maintenance, for whatever reason. */
    public boolean inMaintenance() {
        return admin.contains(AdminFlag.FMAINT) || admin.contains(AdminFlag.CMAINT);
    }

    /** Draining: keeps its sessions but takes no new ones. */
    public boolean draining() {
        return admin.contains(AdminFlag.FDRAIN);
    }

    /**
     * Whether new sessions may go to this server (HAProxy's {@code srv_willbe_usable}): running or starting, weight above
     * zero, neither in maintenance nor draining.
     */
    public boolean usable() {
        return op.takesTraffic() && weight > 0 && !inMaintenance() && !draining();
    }

    /** HAProxy's {@code srv_admin_state} bit mask. */
    public int adminBits() {
        int bits = 0;
        for (AdminFlag f : admin) {
            bits |= f.bit();
        }
        return bits;
    }

    public ServerState withOp(OpState newOp, long nowMillis, String why) {
        return new ServerState(newOp, admin, weight, nowMillis, why);
    }

    public ServerState withAdmin(Set<AdminFlag> newAdmin, long nowMillis, String why) {
        return new ServerState(op, newAdmin, weight, nowMillis, why);
    }

    /** A weight change is not a state change in HAProxy's sense, so {@code lastchg} is kept. */
    public ServerState withWeight(int newWeight) {
        return new ServerState(op, admin, newWeight, lastChangeMillis, reason);
    }
}
