package io.understudy.admin.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.checks.CheckStatus;
import io.understudy.core.backend.ConnectFailure;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.OpState;
import io.understudy.testkit.LeakDetectionExtension;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Manual failback: {@code set backend <b> active-server <s>|auto} and what {@code show backend <b>} reports. */
@Timeout(60)
@ExtendWith(LeakDetectionExtension.class)
class FailbackCommandTest {
    static final String USAGE =
            "usage: set backend <backend> active-server <server>|auto [graceful [timeout <duration>]]\n";

    static String greeting(Socket s) throws Exception {
        return GreetingServer.readGreeting(s.getInputStream());
    }

    @Test
    void pinsToTheBackupAndBackToAuto() throws Exception {
        try (GreetingServer primary = GreetingServer.start("P1");
                GreetingServer secondary = GreetingServer.start("S1");
                TestProxy proxy = TestProxy.start(primary.port(), secondary.port(), FailoverPolicy.Failback.MANUAL)) {
            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server Secondary"))
                    .isEmpty();
            assertThat(proxy.run(Level.USER, "show backend MySQL"))
                    .isEqualTo("# be_name active_server pinned_server failback\nMySQL Secondary Secondary manual\n");
            try (Socket c = proxy.connectClient()) {
                assertThat(greeting(c)).isEqualTo("S1");
            }

            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server auto"))
                    .isEmpty();
            assertThat(proxy.run(Level.USER, "show backend MySQL"))
                    .isEqualTo("# be_name active_server pinned_server failback\nMySQL Primary - manual\n");
            try (Socket c = proxy.connectClient()) {
                assertThat(greeting(c)).isEqualTo("P1");
            }
        }
    }

    @Test
    void refusesAnUnusableServerWithOneLine() throws Exception {
        try (TestProxy proxy = TestProxy.start()) {
            Backend backend = proxy.engine().backends().get(0);
            proxy.run(Level.ADMIN, "disable server MySQL/Secondary");
            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server Secondary"))
                    .isEqualTo("Server MySQL/Secondary is not usable (MAINT); traffic not moved.\n");
            proxy.run(Level.ADMIN, "set server MySQL/Secondary state drain");
            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server Secondary"))
                    .isEqualTo("Server MySQL/Secondary is not usable (DRAIN); traffic not moved.\n");
            proxy.run(Level.ADMIN, "set server MySQL/Secondary state ready");
            proxy.run(Level.ADMIN, "set weight MySQL/Secondary 0");
            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server Secondary"))
                    .isEqualTo("Server MySQL/Secondary is not usable (weight 0); traffic not moved.\n");
            // Primary starts failing its checks, and a client finds it dead (live traffic triggers a check at once):
            // the health checker marks it down, as in production.
            proxy.checksAnswer(CheckStatus.L4CON);
            proxy.engine()
                    .control()
                    .apply(new ControlCommand.PassiveFailure(
                            proxy.server("Primary"),
                            new ConnectFailure(ConnectFailure.Kind.CONNECTION, "Connection refused")));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> proxy.server("Primary").state().op() == OpState.STOPPED);
            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server Primary"))
                    .isEqualTo("Server MySQL/Primary is not usable (DOWN); traffic not moved.\n");
            assertThat(backend.snapshot().pinned()).isEmpty();

            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server nope"))
                    .isEqualTo("No such server.\n");
            assertThat(proxy.run(Level.ADMIN, "set backend nope active-server auto"))
                    .isEqualTo("No such backend.\n");
            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server"))
                    .isEqualTo(USAGE);
            assertThat(proxy.run(Level.ADMIN, "set backend MySQL weight 3")).isEqualTo(USAGE);
            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server Secondary gracefully"))
                    .isEqualTo(USAGE);
            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server auto graceful"))
                    .isEqualTo(USAGE);
            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server Secondary graceful timeout soon"))
                    .isEqualTo("Invalid timeout 'soon': expected a duration from 1ms to 8s such as 500ms or 5s.\n");
            assertThat(proxy.run(Level.ADMIN, "set backend MySQL active-server Secondary graceful timeout 9s"))
                    .isEqualTo("Invalid timeout '9s': expected a duration from 1ms to 8s such as 500ms or 5s.\n");
        }
    }
}
