package io.understudy.server.syslog;

/** Sends whole syslog datagrams somewhere without ever waiting: a datagram that cannot go at once is dropped. */
interface SyslogSender extends AutoCloseable {
    /** Sends one datagram; returns false when it was dropped (no buffer space, nobody listening on a Unix socket). */
    boolean send(byte[] datagram);

    /** Datagrams accepted by {@link #send} that failed later, on their way out. */
    default long lostAfterSend() {
        return 0;
    }

    @Override
    void close();
}
