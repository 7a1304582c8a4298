package io.understudy.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Process-wide settings ({@code global { ... }}).
 *
 * @param hardStopAfter on SIGTERM/SIGINT, how long established sessions may go on after the listeners are closed
 *     before they are cut (HAProxy's {@code hard-stop-after})
 * @param ioThreads event-loop threads; 0 means one per available core
 * @param stateFile where operators' decisions (maintenance, drain, weights, manual failback) are kept across
 *     restarts; empty: not kept
 * @param logFormat what each finished session's line holds ({@code log-format})
 * @param logTargets where syslog goes besides the console ({@code log}, HAProxy's {@code log} lines); none: console only
 * @param resolveInterval how often servers given by host name are resolved again (HAProxy's {@code resolvers} with
 *     {@code hold valid}); {@link Duration#ZERO}: once, at load
 */
public record GlobalConfig(
        Duration hardStopAfter,
        int ioThreads,
        Optional<Path> stateFile,
        LogFormat logFormat,
        java.util.List<LogTarget> logTargets,
        Duration resolveInterval) {
    public GlobalConfig {
        logTargets = java.util.List.copyOf(logTargets);
    }

    /** Names resolved once, at load. */
    public GlobalConfig(
            Duration hardStopAfter,
            int ioThreads,
            Optional<Path> stateFile,
            LogFormat logFormat,
            java.util.List<LogTarget> logTargets) {
        this(hardStopAfter, ioThreads, stateFile, logFormat, logTargets, Duration.ZERO);
    }

    /** Exact tcplog lines on the console only. */
    public GlobalConfig(Duration hardStopAfter, int ioThreads, Optional<Path> stateFile, Duration resolveInterval) {
        this(hardStopAfter, ioThreads, stateFile, LogFormat.TCPLOG, java.util.List.of(), resolveInterval);
    }

    /** Whether servers given by host name follow DNS. */
    public boolean followsDns() {
        return !resolveInterval.isZero();
    }

    /** Exact tcplog lines on the console only; names resolved once. */
    public GlobalConfig(Duration hardStopAfter, int ioThreads, Optional<Path> stateFile) {
        this(hardStopAfter, ioThreads, stateFile, LogFormat.TCPLOG, java.util.List.of(), Duration.ZERO);
    }

    /** Without a state file. */
    public GlobalConfig(Duration hardStopAfter, int ioThreads) {
        this(hardStopAfter, ioThreads, Optional.empty());
    }
}
