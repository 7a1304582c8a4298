package io.understudy.core.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.ProxyEngine;
import io.understudy.core.ScriptedServer;
import io.understudy.core.TestConfigs;
import io.understudy.core.model.Server;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that greets but then leaves a client's login unanswered past its login deadline (learned from the answers
 * it gave before) is reported as a live error, as a missing greeting is: a frozen server is found by the first client
 * it stalls, even when nobody opens a new connection.
 */
@Timeout(60)
class LoginStallTest {
    @Test
    void anUnansweredLoginIsALiveErrorOnceTheServerAnsweredLoginsBefore() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ScriptedServer p = ScriptedServer.start((s, in, out) -> {
                    boolean answer = connections.incrementAndGet() == 1;
                    ScriptedServer.greet(out, "P");
                    int b = in.read();
                    if (b != -1 && answer) {
                        out.write('k');
                        out.flush();
                    }
                    in.transferTo(OutputStreamSink.INSTANCE);
                });
                ScriptedServer b = ScriptedServer.greetingEcho("B");
                ProxyEngine e = new ProxyEngine(TestConfigs.listen("MySQL")
                        .check(TestConfigs.check(2, 3))
                        .server("Primary", p.port())
                        .backup("Secondary", b.port())
                        .build())) {
            e.start();
            Server primary = e.backends().get(0).server("Primary").orElseThrow();
            try (Socket first = connect(e)) {
                InputStream in = first.getInputStream();
                assertThat(ScriptedServer.readGreeting(in)).isEqualTo("P");
                first.getOutputStream().write('l');
                assertThat(in.read()).isEqualTo('k');
            }
            assertThat(primary.logins().describe()).startsWith("slowest recent login answer ");
            long deadline = primary.logins().deadlineMillis(10_000);
            assertThat(deadline).isLessThan(2_000);
            assertThat(primary.state().check().passiveFailures()).isZero();

            long sent;
            try (Socket second = connect(e)) {
                assertThat(ScriptedServer.readGreeting(second.getInputStream())).isEqualTo("P");
                second.getOutputStream().write('l');
                sent = System.nanoTime();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> primary.state().check().passiveFailures() == 1);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(deadline));
            assertThat(primary.state().check().passive().orElseThrow().message())
                    .startsWith("no answer to the login within " + deadline + "ms");
        }
    }

    static Socket connect(ProxyEngine e) throws Exception {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        s.connect(e.boundAddress("MySQL").orElseThrow(), 5000);
        return s;
    }

    /** Swallows what the client sends after its login. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {}
    }
}
