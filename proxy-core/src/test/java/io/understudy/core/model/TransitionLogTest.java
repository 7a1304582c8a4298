package io.understudy.core.model;

import static io.understudy.core.Commands.mode;
import static io.understudy.core.Commands.submit;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.understudy.core.TestConfigs;
import io.understudy.core.config.FailoverPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The state-change sentences, word for word against what HAProxy 2.6.12 logged for the same steps (one checked active
 * server and one backup; check down, check up, {@code set server state drain|ready}, {@code disable|enable server}).
 * Without a failback delay: with one, a server back UP is not counted online until the delay has passed, where HAProxy
 * (which has no such delay) counts it at once.
 */
class TransitionLogTest {
    @Test
    void serverChangesAreWordedAsHaproxyWordsThem() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger state = (Logger) LoggerFactory.getLogger("understudy.state");
        log.start();
        state.addAppender(log);
        Backend backend = new Backend(
                TestConfigs.listen("MySQL")
                        .checked()
                        .server("Primary", 1)
                        .backup("Standby", 2)
                        .failover(FailoverPolicy.defaults().withFailbackDelay(java.time.Duration.ZERO))
                        .build()
                        .listens()
                        .get(0)
                        .backend(),
                0);
        Server p = backend.server("Primary").orElseThrow();
        try (ControlPlane control = new ControlPlane(List.of(backend), s -> 0)) {
            while (p.state().op() != OpState.STOPPED) {
                submit(
                        control,
                        new ControlCommand.CheckOutcome(
                                p,
                                CheckVerdict.FAILED,
                                "Layer4 connection problem," + " info: \"Connection refused\", check duration: 0ms"));
            }
            while (!p.state().op().takesTraffic()) {
                submit(
                        control,
                        new ControlCommand.CheckOutcome(
                                p, CheckVerdict.PASSED, "Layer4 check passed, check duration: 0ms"));
            }
            mode(control, p, AdminMode.DRAIN);
            mode(control, p, AdminMode.READY);
            mode(control, p, AdminMode.MAINT);
            mode(control, p, AdminMode.READY);
        } finally {
            state.detachAppender(log);
        }
        List<String> lines = log.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(l -> l.startsWith("Server "))
                .toList();
        assertThat(lines)
                .containsExactly(
                        "Server MySQL/Primary is DOWN, reason: Layer4 connection problem, info: \"Connection refused\","
                                + " check duration: 0ms. 0 active and 1 backup servers left. Running on backup."
                                + " 0 sessions active, 0 requeued, 0 remaining in queue.",
                        "Server MySQL/Primary is UP, reason: Layer4 check passed, check duration: 0ms. 1 active and 1"
                                + " backup servers online. 0 sessions requeued, 0 total in queue.",
                        "Server MySQL/Primary enters drain state. 0 active and 1 backup servers online. Running on"
                                + " backup. 0 sessions requeued, 0 total in queue.",
                        "Server MySQL/Primary is UP (leaving forced drain).",
                        "Server MySQL/Primary is going DOWN for maintenance. 0 active and 1 backup servers left."
                                + " Running on backup. 0 sessions active, 0 requeued, 0 remaining in queue.",
                        "Server MySQL/Primary is UP/READY (leaving forced maintenance).");
    }
}
