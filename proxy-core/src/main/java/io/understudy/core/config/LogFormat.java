package io.understudy.core.config;

/**
 * What one finished session's log line holds ({@code global.log-format}).
 *
 * <ul>
 *   <li>{@link #TCPLOG}: exactly HAProxy 2.6's {@code option tcplog} line, so that {@code halog} and scripts written
 *       for HAProxy read it unchanged.
 *   <li>{@link #TCPLOG_EXTENDED}: the same line followed by what tcplog lacks: bytes from the client and the cause in
 *       words ({@code in=912 cause=client_closed}).
 * </ul>
 */
public enum LogFormat {
    TCPLOG("tcplog"),
    TCPLOG_EXTENDED("tcplog-extended");

    private final String keyword;

    LogFormat(String keyword) {
        this.keyword = keyword;
    }

    /** The word used in the config file. */
    public String keyword() {
        return keyword;
    }
}
