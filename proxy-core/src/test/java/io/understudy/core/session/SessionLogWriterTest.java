package io.understudy.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.understudy.core.config.LogFormat;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The hand-off between event loops and the session log: never blocks, writes everything on close, counts drops. */
class SessionLogWriterTest {
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private final Logger session = (Logger) LoggerFactory.getLogger("understudy.session");
    private final Logger writer = (Logger) LoggerFactory.getLogger(SessionLogWriter.class);
    private Level sessionLevel;

    @BeforeEach
    void attach() {
        sessionLevel = session.getLevel();
        session.setLevel(Level.INFO);
        lines.start();
        warnings.start();
        session.addAppender(lines);
        writer.addAppender(warnings);
    }

    @AfterEach
    void detach() {
        session.detachAppender(lines);
        writer.detachAppender(warnings);
        session.setLevel(sessionLevel);
    }

    @Test
    void linesAreWrittenOnTheWritersThreadAndFlushedOnClose() {
        SessionLogWriter w = new SessionLogWriter(LogFormat.TCPLOG);
        w.start();
        for (int i = 0; i < 100; i++) {
            w.accept(end(i));
        }
        w.close();
        List<ILoggingEvent> written = snapshot(lines);
        assertThat(written).hasSize(100);
        assertThat(written).allMatch(e -> e.getThreadName().equals("understudy-session-log"));
        assertThat(written.get(0).getFormattedMessage())
                .isEqualTo("127.0.0.1:1000 [01/Jan/1970:00:00:00.000] MySQL MySQL/Primary 0/1/2 3 -- 1/1/0/0/0 0/0"
                        .replace(
                                "[01/Jan/1970:00:00:00.000]",
                                "[" + TcpLogLine.DATE.format(java.time.Instant.EPOCH) + "]"));
        assertThat(w.dropped()).isZero();
    }

    @Test
    void aFullQueueDropsLinesCountsThemAndSaysSo() {
        SessionLogWriter w = new SessionLogWriter(LogFormat.TCPLOG_EXTENDED, 2);
        // Not started yet: nothing drains the queue, so the third and fourth lines find it full.
        for (int i = 0; i < 4; i++) {
            w.accept(end(i));
        }
        assertThat(w.dropped()).isEqualTo(2);
        w.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> snapshot(warnings).size() == 1);
        w.close();
        assertThat(snapshot(lines))
                .extracting(ILoggingEvent::getFormattedMessage)
                .hasSize(2)
                .allMatch(l -> l.endsWith(" in=5 cause=client_closed"));
        assertThat(snapshot(warnings).get(0).getFormattedMessage())
                .startsWith("2 session log lines dropped (2 in all)");
        assertThat(snapshot(warnings).get(0).getLevel()).isEqualTo(Level.WARN);
    }

    private static List<ILoggingEvent> snapshot(ListAppender<ILoggingEvent> a) {
        synchronized (a) {
            return List.copyOf(a.list);
        }
    }

    private static SessionEnd end(int i) {
        return new SessionEnd(
                "127.0.0.1:" + (1000 + i),
                0,
                "MySQL",
                "MySQL",
                "Primary",
                0,
                1,
                2,
                3,
                "--",
                1,
                1,
                0,
                0,
                0,
                false,
                0,
                0,
                5,
                "client_closed");
    }
}
