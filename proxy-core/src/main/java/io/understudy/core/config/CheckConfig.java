package io.understudy.core.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How one server is health-checked ({@code check { ... }} in {@code defaults}, a listen section, or a server; the
 * server's own settings override its backend's, which override {@code defaults}).
 *
 * @param enabled whether the server is checked at all (HAProxy's {@code check} keyword); unchecked servers are
 *     always considered up ({@code no check})
 * @param type what a check does
 * @param user the MySQL user a {@code mysql} or {@code sql} check logs in as
 * @param password its password; empty means none
 * @param variant the capabilities a {@code mysql} check announces (HAProxy's {@code post-41} / {@code pre-41})
 * @param inter interval between checks while the server is steadily up
 * @param fastinter interval while the server is in transition ({@code UP x/y}, {@code DOWN x/y})
 * @param downinter interval while the server is fully down
 * @param rise consecutive successes that bring a server up
 * @param fall consecutive failures that take a server down
 * @param timeout the longest one check may take, connect included
 * @param spread random jitter added to every interval, as a fraction of it (0..0.5), so checks of many servers
 *     don't fire together
 * @param initialUp whether a server starts up (and one failure takes it down, HAProxy's behaviour) or down (it must
 *     pass {@code rise} checks before taking traffic)
 * @param query the statement a {@code sql} check runs
 * @param requireWritable {@code sql} check: an active server must have {@code @@read_only = 0} to take traffic
 * @param maxLag {@code sql} check: a backup must be replicating with at most this lag to take traffic
 * @param liveErrors what live-traffic connect failures do to the server's health
 */
public record CheckConfig(
        boolean enabled,
        CheckType type,
        String user,
        String password,
        MySqlVariant variant,
        Duration inter,
        Duration fastinter,
        Duration downinter,
        int rise,
        int fall,
        Duration timeout,
        double spread,
        boolean initialUp,
        String query,
        boolean requireWritable,
        Optional<Duration> maxLag,
        LiveErrors liveErrors) {

    /** A check whose live-traffic failures count as {@link LiveErrors#DEFAULT} says. */
    public CheckConfig(
            boolean enabled,
            CheckType type,
            String user,
            String password,
            MySqlVariant variant,
            Duration inter,
            Duration fastinter,
            Duration downinter,
            int rise,
            int fall,
            Duration timeout,
            double spread,
            boolean initialUp,
            String query,
            boolean requireWritable,
            Optional<Duration> maxLag) {
        this(
                enabled,
                type,
                user,
                password,
                variant,
                inter,
                fastinter,
                downinter,
                rise,
                fall,
                timeout,
                spread,
                initialUp,
                query,
                requireWritable,
                maxLag,
                LiveErrors.DEFAULT);
    }

    /** What a check does. */
    public enum CheckType {
        /** TCP connect, then close. Note: MySQL counts this as an aborted connection (max_connect_errors). */
        TCP,
        /** MySQL handshake: read the greeting, log in as {@code user}, COM_QUIT. HAProxy's mysql-check, done right. */
        MYSQL,
        /** Log in with mysql-connector-j and run {@code query}; optionally gate on read_only and replication lag. */
        SQL
    }

    /** The client capabilities a mysql check announces, as HAProxy's {@code option mysql-check} variants. */
    public enum MySqlVariant {
        /** Protocol 4.1 handshake (HAProxy's default). */
        POST_41,
        /** Pre-4.1 handshake, for very old servers. */
        PRE_41
    }

    /** The same check, starting up or down before its first result. */
    public CheckConfig withInitialUp(boolean up) {
        return new CheckConfig(
                enabled,
                type,
                user,
                password,
                variant,
                inter,
                fastinter,
                downinter,
                rise,
                fall,
                timeout,
                spread,
                up,
                query,
                requireWritable,
                maxLag,
                liveErrors);
    }

    /** No checking: the server is always considered up. */
    public static CheckConfig disabled() {
        return new CheckConfig(
                false,
                CheckType.MYSQL,
                "haproxy",
                "",
                MySqlVariant.POST_41,
                Duration.ofSeconds(1),
                Duration.ofMillis(250),
                Duration.ofSeconds(1),
                2,
                3,
                Duration.ofMillis(1500),
                0.1,
                true,
                "SELECT 1",
                false,
                Optional.empty());
    }
}
