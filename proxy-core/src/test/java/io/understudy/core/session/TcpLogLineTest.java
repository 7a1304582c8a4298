package io.understudy.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.config.LogFormat;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The session line, field by field, against lines HAProxy 2.6.12 wrote for the same cases with {@code option tcplog}. */
class TcpLogLineTest {
    private static final long ACCEPT = LocalDateTime.of(2026, 12, 3, 18, 39, 51, 467_000_000)
            .atZone(ZoneId.systemDefault())
            .toInstant()
            .toEpochMilli();

    @Test
    void aNormalSessionIsHaproxysTcplogLine() {
        // haproxy: 127.0.0.1:37194 [03/Dec/2026:18:39:51.467] MySQL MySQL/Primary 1/0/3 0 -- 1/1/0/0/0 0/0
        SessionEnd e = end("MySQL/Primary", 0, 0, 3, 0, "--", 0, false, 0);
        assertThat(TcpLogLine.format(e, LogFormat.TCPLOG))
                .isEqualTo("127.0.0.1:37194 [03/Dec/2026:18:39:51.467] MySQL MySQL/Primary 0/0/3 0 -- 1/1/0/0/0 0/0");
    }

    @Test
    void noServerHasMinusOneTimesAndNosrv() {
        // haproxy: 127.0.0.1:59000 [03/Dec/2026:18:40:05.887] None None/<NOSRV> -1/-1/0 0 SC 1/1/0/0/0 0/0
        SessionEnd e = end("MySQL/<NOSRV>", -1, -1, 0, 0, "SC", 0, false, 0);
        assertThat(TcpLogLine.format(e, LogFormat.TCPLOG))
                .isEqualTo("127.0.0.1:37194 [03/Dec/2026:18:39:51.467] MySQL MySQL/<NOSRV> -1/-1/0 0 SC 1/1/0/0/0 0/0");
    }

    @Test
    void aRedispatchedRetryCountHasAPlus() {
        // haproxy: ... Dead Dead/Two 1/-1/0 0 SC 1/1/0/0/+3 0/0
        SessionEnd e = end("MySQL/Two", 1, -1, 0, 0, "SC", 3, true, 4);
        assertThat(TcpLogLine.format(e, LogFormat.TCPLOG)).endsWith(" MySQL/Two 1/-1/0 0 SC 1/1/0/0/+3 0/4");
        assertThat(TcpLogLine.format(end("MySQL/Two", 1, 2, 9, 7, "--", 2, false, 0), LogFormat.TCPLOG))
                .endsWith(" 1/2/9 7 -- 1/1/0/0/2 0/0");
    }

    @Test
    void theExtendedFormatAppendsBytesFromTheClientAndTheCause() {
        SessionEnd e = end("MySQL/Primary", 0, 2, 5023, 1841, "--", 0, false, 0);
        assertThat(TcpLogLine.format(e, LogFormat.TCPLOG_EXTENDED))
                .isEqualTo("127.0.0.1:37194 [03/Dec/2026:18:39:51.467] MySQL MySQL/Primary 0/2/5023 1841 --"
                        + " 1/1/0/0/0 0/0 in=912 cause=client_closed");
    }

    @Test
    void clientAddressesArePrintedAsHaproxyDoes() throws Exception {
        assertThat(SessionLog.address(new InetSocketAddress(InetAddress.getByName("::1"), 5000)))
                .isEqualTo("::1:5000");
        assertThat(SessionLog.address(new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 33061)))
                .isEqualTo("10.0.0.2:33061");
    }

    @Test
    void theDateUsesEnglishMonthsWhateverTheLocale() {
        java.util.Locale before = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.FRANCE);
            assertThat(TcpLogLine.format(end("B/S", 0, 0, 0, 0, "--", 0, false, 0), LogFormat.TCPLOG))
                    .contains("[03/Dec/2026:18:39:51.467]");
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    private static SessionEnd end(
            String backendServer,
            long tw,
            long tc,
            long tt,
            long bytes,
            String state,
            int retries,
            boolean redispatched,
            int bq) {
        String[] bs = backendServer.split("/");
        return new SessionEnd(
                "127.0.0.1:37194",
                ACCEPT,
                "MySQL",
                bs[0],
                bs[1],
                tw,
                tc,
                tt,
                bytes,
                state,
                1,
                1,
                0,
                0,
                retries,
                redispatched,
                0,
                bq,
                912,
                "client_closed");
    }
}
