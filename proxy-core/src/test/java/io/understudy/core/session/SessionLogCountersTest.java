package io.understudy.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.understudy.core.ProxyHarness;
import io.understudy.core.ScriptedServer;
import io.understudy.core.TestConfigs;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The counters of a session's tcplog line, taken from the live proxy as HAProxy takes them when it logs. */
@Timeout(60)
class SessionLogCountersTest {
    @Test
    void countersSayWhatWasOpenWhenTheSessionEnded() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger sessionLog = (Logger) LoggerFactory.getLogger("understudy.session");
        Level level = sessionLog.getLevel();
        sessionLog.setLevel(Level.INFO);
        log.start();
        sessionLog.addAppender(log);
        try (ScriptedServer db = ScriptedServer.greetingEcho("HELLO1");
                ProxyHarness proxy =
                        ProxyHarness.start(TestConfigs.listen("MySQL").add("P", db.port(), false, 1))) {
            Socket a = proxy.connect();
            Socket b = proxy.connect();
            readGreeting(a.getInputStream());
            readGreeting(b.getInputStream());
            a.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> lines(log).size() == 1);
            b.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> lines(log).size() == 2);
            List<String> lines = lines(log);
            String first = "^127\\.0\\.0\\.1:%d \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\] MySQL"
                    + " MySQL/P 0/\\d+/\\d+ \\d+ -- %s 0/0$";
            // a ended while b was open: the process and the frontend count both (a is logged before it is freed),
            // the backend and the server only b.
            assertThat(lines.get(0)).matches(String.format(first, a.getLocalPort(), "2/2/1/1/0"));
            assertThat(lines.get(1)).matches(String.format(first, b.getLocalPort(), "1/1/0/0/0"));
        } finally {
            sessionLog.detachAppender(log);
            sessionLog.setLevel(level);
        }
    }

    private static void readGreeting(InputStream in) throws Exception {
        ScriptedServer.readGreeting(in);
    }

    private static List<String> lines(ListAppender<ILoggingEvent> log) {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
