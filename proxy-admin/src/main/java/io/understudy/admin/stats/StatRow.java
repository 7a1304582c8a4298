package io.understudy.admin.stats;

import io.understudy.checks.CheckStatus;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One row of {@code show stat} (a frontend, a backend or a server) as typed values, immutable. Both the CSV writer and
 * the Prometheus metrics read these rows, so the two always report the same numbers.
 *
 * <p>A field has a value exactly when HAProxy would print something for it in this row (see {@link #value}); fields
 * that do not apply, or that Understudy does not measure, are absent. Times are as HAProxy prints them: {@code ctime},
 * {@code ttime}, {@code *_max} and {@code check_duration} in milliseconds, {@code lastchg}, {@code downtime} and
 * {@code lastsess} in seconds.
 */
public final class StatRow {
    private final RowType type;
    private final ServiceState state;
    private final Optional<CheckStatus> checkStatus;
    private final Map<StatField, StatValue> values;

    private StatRow(
            RowType type, ServiceState state, Optional<CheckStatus> checkStatus, Map<StatField, StatValue> values) {
        this.type = type;
        this.state = state;
        this.checkStatus = checkStatus;
        this.values = Collections.unmodifiableMap(new EnumMap<>(values));
    }

    public RowType type() {
        return type;
    }

    /** {@code pxname}: the proxy (listen section) this row belongs to. */
    public String proxyName() {
        return text(StatField.PXNAME).orElseThrow();
    }

    /** {@code svname}: {@code FRONTEND}, {@code BACKEND} or the server's name. */
    public String serviceName() {
        return text(StatField.SVNAME).orElseThrow();
    }

    /** {@code iid}: the proxy's number, shared by its frontend, backend and server rows. */
    public int proxyId() {
        return (int) number(StatField.IID).orElseThrow();
    }

    /** {@code sid}: the server's id; 0 on frontend and backend rows. */
    public int serverId() {
        return (int) number(StatField.SID).orElseThrow();
    }

    /** {@code status} as printed: {@code OPEN}, {@code UP}, {@code UP 2/3}, {@code no check}, {@code MAINT}, ... */
    public String status() {
        return text(StatField.STATUS).orElseThrow();
    }

    /** The coarse state behind {@link #status()}, for metrics. */
    public ServiceState state() {
        return state;
    }

    /**
     * The last check's status code on a server row whose check columns are shown (checked, checks not disabled, not in
     * maintenance); {@code INI} before the first check. Unlike the {@code check_status} text it carries no
     * {@code "* "} in-progress prefix.
     */
    public Optional<CheckStatus> checkStatus() {
        return checkStatus;
    }

    /** {@code scur}. */
    public long currentSessions() {
        return number(StatField.SCUR).orElseThrow();
    }

    /** {@code smax}. */
    public long maxSessions() {
        return number(StatField.SMAX).orElseThrow();
    }

    /** {@code stot}. */
    public long totalSessions() {
        return number(StatField.STOT).orElseThrow();
    }

    /** {@code bin}: bytes from clients to servers. */
    public long bytesIn() {
        return number(StatField.BIN).orElseThrow();
    }

    /** {@code bout}: bytes from servers to clients. */
    public long bytesOut() {
        return number(StatField.BOUT).orElseThrow();
    }

    /** The field's value, or empty when the field does not apply to this row (an empty CSV cell). */
    public Optional<StatValue> value(StatField field) {
        return Optional.ofNullable(values.get(field));
    }

    /** The field as a number, or empty when it does not apply or is a text. */
    public OptionalLong number(StatField field) {
        return values.get(field) instanceof StatValue.Num n ? OptionalLong.of(n.value()) : OptionalLong.empty();
    }

    /** The field as a text, or empty when it does not apply or is a number. */
    public Optional<String> text(StatField field) {
        return values.get(field) instanceof StatValue.Text t ? Optional.of(t.value()) : Optional.empty();
    }

    /** Every filled field, in column order. */
    public Map<StatField, StatValue> values() {
        return values;
    }

    @Override
    public String toString() {
        return type + " " + proxyName() + "/" + serviceName() + " " + status();
    }

    /** Collects the values of one row; the row builders' only way to make a {@link StatRow}. */
    static final class Builder {
        private final RowType type;
        private final Map<StatField, StatValue> values = new EnumMap<>(StatField.class);
        private ServiceState state = ServiceState.UP;
        private Optional<CheckStatus> checkStatus = Optional.empty();

        Builder(RowType type, String proxyName, String serviceName, int proxyId, int serverId) {
            this.type = type;
            put(StatField.PXNAME, proxyName);
            put(StatField.SVNAME, serviceName);
            // pid: HAProxy prints the relative worker number, always 1 since nbproc is gone.
            put(StatField.PID, 1);
            put(StatField.IID, proxyId);
            put(StatField.SID, serverId);
            put(StatField.TYPE, type.code());
        }

        Builder put(StatField field, long value) {
            values.put(field, StatValue.of(value));
            return this;
        }

        Builder put(StatField field, String value) {
            values.put(field, StatValue.of(Objects.requireNonNull(value, field.csvName())));
            return this;
        }

        /** Puts 0 in each field: for counters of features Understudy does not have, which HAProxy shows as 0. */
        Builder zero(StatField... fields) {
            for (StatField f : fields) {
                put(f, 0);
            }
            return this;
        }

        Builder state(ServiceState s) {
            this.state = s;
            return this;
        }

        Builder checkStatus(CheckStatus s) {
            this.checkStatus = Optional.of(s);
            return this;
        }

        StatRow build() {
            return new StatRow(type, state, checkStatus, values);
        }
    }
}
