package io.understudy.checks.sql;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The rules that decide whether a server may take traffic in its role once it answers SQL: an active server must be
 * writable, a backup must replicate with little enough lag. Pure functions of what the server reported.
 */
final class RoleGates {
    /**
     * Only {@code @@read_only} is asked: MySQL's {@code super_read_only=ON} forces {@code read_only=ON}, so it needs no
     * question of its own (and MariaDB, which lacks it, would answer error 1193).
     */
    static final String READ_ONLY_QUERY = "SELECT @@global.read_only";

    private RoleGates() {}

    /**
     * @param readOnly {@code @@read_only} as text: {@code 0}/{@code 1} for a boolean, {@code OFF}/{@code ON} or
     *     another mode name on servers where it is an enum (MariaDB 11.8's {@code NO_LOCK} and friends, which all
     *     refuse writes)
     */
    static GateVerdict writable(String readOnly) {
        String value = readOnly == null ? "NULL" : readOnly.trim();
        String normalised = value.toUpperCase(Locale.ROOT);
        if (normalised.equals("0") || normalised.equals("OFF")) {
            return GateVerdict.pass("read_only=" + value);
        }
        return GateVerdict.fail(SqlCheck.CODE_NOT_WRITABLE, "read_only=" + value + ": not writable");
    }

    /** Whether a replica in {@code status} (empty: not a replica) is within {@code maxLag} of its source. */
    static GateVerdict lag(Optional<ReplicaStatus> status, Duration maxLag) {
        if (status.isEmpty()) {
            return GateVerdict.fail(SqlCheck.CODE_NOT_A_REPLICA, "not a replica (no SHOW SLAVE STATUS row)");
        }
        ReplicaStatus s = status.get();
        if (s.secondsBehind().isEmpty() && sourceGoneButCaughtUp(s)) {
            // The lag is NULL because the IO thread cannot reach its source, which is what happens to every backup
            // the moment its primary dies: refusing it then would refuse failover exactly when it is needed. A replica
            // that has applied everything it received is as current as any replica can be.
            return GateVerdict.pass(
                    "source unreachable (IO thread " + s.ioRunning() + "), all received events applied");
        }
        if (s.secondsBehind().isEmpty()) {
            StringBuilder info = new StringBuilder("replication not running (")
                    .append(s.lagColumn())
                    .append(" NULL; IO thread ")
                    .append(s.ioRunning().isEmpty() ? "?" : s.ioRunning())
                    .append(", SQL thread ")
                    .append(s.sqlRunning().isEmpty() ? "?" : s.sqlRunning());
            if (!s.lastError().isEmpty()) {
                info.append("; ").append(s.lastError());
            }
            return GateVerdict.fail(
                    SqlCheck.CODE_REPLICATION_NOT_RUNNING,
                    SqlFailureClassifier.oneLine(info.append(')').toString()));
        }
        long lag = s.secondsBehind().getAsLong();
        if (lag * 1000 > maxLag.toMillis()) {
            return GateVerdict.fail("replication lag " + lag + "s > max-lag " + format(maxLag));
        }
        return GateVerdict.pass("replication lag " + lag + "s");
    }

    /**
     * The SQL thread runs and has applied all it received, and the IO thread is not connected: it is reconnecting
     * ({@code Connecting}) or gave up with an error, not stopped by an operator ({@code STOP SLAVE} stops both threads
     * and clears no error, so a replica an operator stopped stays ineligible).
     */
    static boolean sourceGoneButCaughtUp(ReplicaStatus s) {
        boolean sqlRunning = s.sqlRunning().equalsIgnoreCase("Yes");
        boolean ioLost = s.ioRunning().equalsIgnoreCase("Connecting")
                || (s.ioRunning().equalsIgnoreCase("No") && !s.lastError().isEmpty());
        return sqlRunning && ioLost && s.appliedAllReceived();
    }

    /** "10s" for whole seconds (the usual case), "1500ms" otherwise, so the message never rounds the limit. */
    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
