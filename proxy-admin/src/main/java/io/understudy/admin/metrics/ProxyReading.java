package io.understudy.admin.metrics;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One reading of everything the metrics and the health endpoint show, taken at one moment by a {@link StatsReader}.
 * Each scrape renders exactly one reading, so the series of one scrape agree with each other the way the rows of one
 * {@code show stat} do. Times are wall-clock milliseconds.
 *
 * @param nowMillis when the reading was taken (ages such as {@code check_last_change_seconds} are relative to it)
 * @param process process-wide facts
 * @param frontends every frontend, in configuration order
 * @param backends every backend with its servers, in configuration order
 */
public record ProxyReading(long nowMillis, Process process, List<FrontendRow> frontends, List<BackendRow> backends) {

    /**
     * Process-wide facts ({@code show info}).
     *
     * @param version the product version
     * @param startMillis when the process started
     * @param ioThreads event-loop threads ({@code Nbthread})
     * @param endedByCause sessions ended since start, per termination cause label
     */
    public record Process(String version, long startMillis, int ioThreads, Map<String, Long> endedByCause) {}

    /**
     * The session and byte counters of a frontend, backend or server ({@code scur}, {@code smax}, {@code stot},
     * {@code bin}, {@code bout}, {@code econ}, {@code wretr}, {@code wredis}, {@code lbtot}, {@code lastsess},
     * {@code ctime}, {@code ttime} and their maxima).
     */
    public record Traffic(
            long current,
            long max,
            long total,
            long bytesIn,
            long bytesOut,
            long connectErrors,
            long retries,
            long redispatches,
            long loadBalanced,
            long lastSessionMillis,
            long connectTimeAvgMillis,
            long connectTimeMaxMillis,
            long totalTimeAvgMillis,
            long totalTimeMaxMillis) {}

    /**
     * A frontend row.
     *
     * @param name the proxy name
     * @param status {@code OPEN}, {@code STOP} or {@code FULL}
     * @param maxconn the configured session limit
     */
    public record FrontendRow(String name, String status, int maxconn, Traffic traffic) {}

    /**
     * A backend row.
     *
     * @param name the proxy name
     * @param up HAProxy's backend status: some server can take new sessions (or the backend has none)
     * @param activeServers usable active servers ({@code act})
     * @param backupServers usable backup servers ({@code bck})
     * @param weight the sum of the weights of the servers that may take new sessions now
     * @param lastChangeMillis when the backend last went from having a server to none or back ({@code lastchg})
     * @param servers the servers, in declaration order
     */
    public record BackendRow(
            String name,
            boolean up,
            int activeServers,
            int backupServers,
            long weight,
            long lastChangeMillis,
            Traffic traffic,
            List<ServerRow> servers) {}

    /**
     * A server row.
     *
     * @param backend the backend's name ({@code proxy} label)
     * @param name the server's name
     * @param status the promex state: {@code UP}, {@code DOWN}, {@code MAINT}, {@code DRAIN} or {@code NOLB}
     * @param backup whether it is a backup server
     * @param weight the current user weight
     * @param maxconn the configured session limit, 0 for none
     * @param lastChangeMillis when its state last changed ({@code lastchg})
     * @param takesNewSessions new sessions of its backend may go to it now (it is among the balance candidates)
     * @param check its health-check state, empty when unchecked ({@code no check})
     */
    public record ServerRow(
            String backend,
            String name,
            String status,
            boolean backup,
            int weight,
            int maxconn,
            long lastChangeMillis,
            boolean takesNewSessions,
            Traffic traffic,
            Optional<CheckRow> check) {}

    /**
     * A server's health-check state.
     *
     * @param status HAProxy's check code of the last check ({@code INI} before the first)
     * @param code the layer-7 code of the last check ({@code check_code}), when it has one
     * @param durationMillis how long the last check took, or -1 before the first
     * @param failedChecks failed checks since start ({@code chkfail})
     * @param downTransitions UP to DOWN transitions since start ({@code chkdown})
     * @param suspended checks are paused ({@code disable health}) or the server is in maintenance: HAProxy then
     *     leaves the check columns empty and promex omits the check series
     */
    public record CheckRow(
            String status,
            OptionalInt code,
            long durationMillis,
            long failedChecks,
            long downTransitions,
            boolean suspended) {}
}
