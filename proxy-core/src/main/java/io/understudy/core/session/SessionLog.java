package io.understudy.core.session;

import io.understudy.core.model.Server;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per finished session to the {@code understudy.session} logger, in the field order of HAProxy's
 * {@code option tcplog} (client, accept date, frontend, backend/server, Tw/Tc/Tt, bytes to client, termination state)
 * followed by what tcplog lacks: bytes from the client, retries and the cause in words.
 */
public final class SessionLog {
    private static final Logger LOG = LoggerFactory.getLogger("understudy.session");
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    void sessionEnded(ProxySession s, long totalMillis, TerminationCause cause) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        String server = s.server().map(Server::name).orElse("<NOSRV>");
        LOG.info(
                "{} [{}] {} {}/{} {}/{}/{} {} {} in={} retries={} cause={}",
                address(s.clientAddress()),
                DATE.format(Instant.ofEpochMilli(s.startMillis())),
                s.frontendName(),
                s.backendName(),
                server,
                s.queueMillis(),
                s.connectMillis(),
                totalMillis,
                s.bytesOut(),
                cause.haproxyCode(),
                s.bytesIn(),
                s.retries(),
                cause.label());
    }

    static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress in) {
            String host = in.getAddress() != null ? in.getAddress().getHostAddress() : in.getHostString();
            return host + ":" + in.getPort();
        }
        return String.valueOf(a);
    }
}
