package io.understudy.core.session;

import io.understudy.core.config.LogFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Formats a {@link SessionEnd} as HAProxy 2.6's {@code option tcplog} line:
 * {@code %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq}, optionally followed by what tcplog
 * lacks ({@link LogFormat#TCPLOG_EXTENDED}).
 */
public final class TcpLogLine {
    /** HAProxy's {@code %t}: accept date in local time with milliseconds, English month abbreviations. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ENGLISH)
            .withZone(ZoneId.systemDefault());

    private TcpLogLine() {}

    public static String format(SessionEnd e, LogFormat format) {
        StringBuilder b = new StringBuilder(160);
        b.append(e.client())
                .append(" [")
                .append(DATE.format(Instant.ofEpochMilli(e.acceptMillis())))
                .append("] ")
                .append(e.frontend())
                .append(' ')
                .append(e.backend())
                .append('/')
                .append(e.server())
                .append(' ')
                .append(e.tw())
                .append('/')
                .append(e.tc())
                .append('/')
                .append(e.tt())
                .append(' ')
                .append(e.bytesToClient())
                .append(' ')
                .append(e.state())
                .append(' ')
                .append(e.actconn())
                .append('/')
                .append(e.feconn())
                .append('/')
                .append(e.beconn())
                .append('/')
                .append(e.srvConn())
                .append('/')
                .append(e.redispatched() ? "+" : "")
                .append(e.retries())
                .append(' ')
                .append(e.srvQueue())
                .append('/')
                .append(e.backendQueue());
        if (format == LogFormat.TCPLOG_EXTENDED) {
            b.append(" in=").append(e.bytesFromClient()).append(" cause=").append(e.cause());
        }
        return b.toString();
    }
}
