package io.understudy.core.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One syslog destination ({@code global.log = [ ... ]}, HAProxy's {@code log <target> <facility> [<level>]}): a UDP
 * address or a Unix datagram socket such as {@code /dev/log}, the syslog facility, and the least severe level sent.
 *
 * @param udp where to send, when the target is {@code host:port}
 * @param unixSocket where to send, when the target is a path
 * @param facility the syslog facility number (local0 = 16)
 * @param maxSeverity messages up to this severity are sent (0 emerg ... 7 debug; info = 6 sends everything but debug)
 */
public record LogTarget(Optional<InetSocketAddress> udp, Optional<Path> unixSocket, int facility, int maxSeverity) {
    /** HAProxy's facility names, in their numeric order. */
    public static final java.util.List<String> FACILITIES = java.util.List.of(
            "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "auth2", "ftp", "ntp",
            "audit", "alert", "cron2", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");

    /** Syslog's severity names, in their numeric order. */
    public static final java.util.List<String> LEVELS =
            java.util.List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");

    public LogTarget {
        if (udp.isPresent() == unixSocket.isPresent()) {
            throw new IllegalArgumentException("a log target is either a UDP address or a Unix socket");
        }
        if (facility < 0 || facility >= FACILITIES.size() || maxSeverity < 0 || maxSeverity >= LEVELS.size()) {
            throw new IllegalArgumentException("facility " + facility + " or level " + maxSeverity + " out of range");
        }
    }

    /** The target as written in the config, for logs. */
    public String describe() {
        String where = udp.map(a -> a.getHostString() + ":" + a.getPort())
                .orElseGet(() -> unixSocket.orElseThrow().toString());
        return where + " " + FACILITIES.get(facility) + " "
                + LEVELS.get(maxSeverity).toLowerCase(Locale.ROOT);
    }
}
