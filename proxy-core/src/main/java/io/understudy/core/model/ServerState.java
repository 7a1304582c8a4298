package io.understudy.core.model;

import io.understudy.core.config.ServerConfig;
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
 * @param reason why the last operational or admin change happened
 * @param check what health checking has established (the rise/fall counter lives here, and only here)
 * @param downtime how often and how long the server was down ({@code chkdown}, {@code downtime})
 * @param lastFailureMillis wall-clock time of the last failed check or counted live-traffic error, 0 if none: a
 *     server that comes back must pass every check for {@code failback-delay} before it takes the writes back
 * @param settings its address, maxconn and check port as they are now (the config's, or an operator's)
 */
public record ServerState(
        OpState op,
        Set<AdminFlag> admin,
        int weight,
        long lastChangeMillis,
        Reason reason,
        HealthState check,
        Downtime downtime,
        long lastFailureMillis,
        ServerSettings settings) {
    public ServerState {
        admin = admin.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(EnumSet.copyOf(admin));
    }

    /**
     * The state the configuration gives a server before anything happened: in maintenance if {@code disabled}, down
     * if checked with {@code initial = down}, else running.
     */
    public static ServerState initial(ServerConfig config, long nowMillis) {
        Set<AdminFlag> flags = config.disabled() ? EnumSet.of(AdminFlag.CMAINT) : EnumSet.noneOf(AdminFlag.class);
        boolean unresolved = !config.address().hasAddress();
        if (unresolved) {
            flags.add(AdminFlag.RMAINT);
        }
        HealthState check = HealthState.initial(config.check());
        OpState op = check.health().up() ? OpState.RUNNING : OpState.STOPPED;
        String why = config.disabled()
                ? "disabled in config"
                : unresolved
                        ? "no address yet (init-addr): waiting for "
                                + config.address().host() + " to resolve"
                        : op == OpState.STOPPED
                                ? "initial state down: waiting for "
                                        + config.check().rise() + " checks"
                                : "";
        ServerState s = new ServerState(
                op,
                flags,
                config.weight(),
                nowMillis,
                Reason.of(Reason.Cause.INITIAL, why),
                check,
                null,
                0,
                ServerSettings.of(config));
        return s.withDowntime(Downtime.initial(s.down(), nowMillis));
    }

    /** In maintenance, for whatever reason. */
    public boolean inMaintenance() {
        return admin.contains(AdminFlag.FMAINT) || admin.contains(AdminFlag.CMAINT) || admin.contains(AdminFlag.RMAINT);
    }

    /** In maintenance only because its host name has no address yet: HAProxy's {@code MAINT (resolution)}. */
    public boolean awaitingResolution() {
        return admin.contains(AdminFlag.RMAINT)
                && !admin.contains(AdminFlag.FMAINT)
                && !admin.contains(AdminFlag.CMAINT);
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

    /** HAProxy's notion of a down server, for {@code chkdown} and {@code downtime}: stopped, or in maintenance. */
    public boolean down() {
        return op == OpState.STOPPED || inMaintenance();
    }

    /** HAProxy's {@code srv_admin_state} bit mask. */
    public int adminBits() {
        int bits = 0;
        for (AdminFlag f : admin) {
            bits |= f.bit();
        }
        return bits;
    }

    /** Whether an operator would see a difference: anything but the bookkeeping. */
    boolean sameVisible(ServerState o) {
        return op == o.op
                && admin.equals(o.admin)
                && weight == o.weight
                && check.sameVisible(o.check)
                && settings.equals(o.settings);
    }

    /** An operator's change of address, maxconn or check port: not a state change, so {@code lastchg} is kept. */
    ServerState withSettings(ServerSettings next) {
        return new ServerState(op, admin, weight, lastChangeMillis, reason, check, downtime, lastFailureMillis, next);
    }

    ServerState withOp(OpState newOp, long nowMillis, Reason why) {
        return new ServerState(newOp, admin, weight, nowMillis, why, check, downtime, lastFailureMillis, settings);
    }

    ServerState withAdmin(Set<AdminFlag> newAdmin, long nowMillis, Reason why) {
        return new ServerState(op, newAdmin, weight, nowMillis, why, check, downtime, lastFailureMillis, settings);
    }

    /** A weight change is not a state change in HAProxy's sense, so {@code lastchg} is kept. */
    ServerState withWeight(int newWeight) {
        return new ServerState(
                op, admin, newWeight, lastChangeMillis, reason, check, downtime, lastFailureMillis, settings);
    }

    ServerState withCheck(HealthState h) {
        return new ServerState(op, admin, weight, lastChangeMillis, reason, h, downtime, lastFailureMillis, settings);
    }

    ServerState withDowntime(Downtime d) {
        return new ServerState(op, admin, weight, lastChangeMillis, reason, check, d, lastFailureMillis, settings);
    }

    /** The same state with a failed check or a counted live error at {@code nowMillis}. */
    ServerState withFailureAt(long nowMillis) {
        return new ServerState(op, admin, weight, lastChangeMillis, reason, check, downtime, nowMillis, settings);
    }

    /** Since when the server has been as it is without a failure: its last change or its last failure, the later. */
    public long settledSinceMillis() {
        return Math.max(lastChangeMillis, lastFailureMillis);
    }
}
