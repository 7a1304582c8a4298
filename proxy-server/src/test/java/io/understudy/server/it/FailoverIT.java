package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.testkit.LeakDetectionExtension;
import io.understudy.testkit.MariaDbCli;
import io.understudy.testkit.MariaDbExtension;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without any health check, a SIGKILLed primary costs new clients nothing: the connect retries redispatch. */
@Timeout(180)
@ExtendWith(LeakDetectionExtension.class)
class FailoverIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup();

    @Test
    void theNextConnectionAfterKillNineOfThePrimaryReachesTheSecondaryWithoutError() throws Exception {
        try (InProcessProxy proxy = InProcessProxy.activeBackup(db.servers(), "")) {
            int port = proxy.port();
            assertThat(Jdbc.serverIdVia(port)).isEqualTo(db.primary().serverId());
            assertThat(Jdbc.serverIdVia(port)).isEqualTo(db.primary().serverId());

            try (Connection onPrimary = Jdbc.connect(port)) {
                assertThat(Jdbc.serverId(onPrimary)).isEqualTo(db.primary().serverId());
                db.primary().kill9();
                // The session that was on the dead server fails, as it must: its server is gone.
                assertThatThrownBy(() -> Jdbc.serverId(onPrimary)).isInstanceOf(SQLException.class);
            }

            // No health check exists yet: Primary still counts as UP, and the very next connection must work.
            assertThat(Jdbc.serverIdVia(port)).isEqualTo(db.backup().serverId());
            MariaDbCli.Result cli =
                    MariaDbCli.to("127.0.0.1", port, "app", "app").batch().execute("SELECT @@server_id");
            assertThat(cli.succeeded()).as(cli.toString()).isTrue();
            assertThat(cli.stdout().trim()).isEqualTo(String.valueOf(db.backup().serverId()));
            assertThat(proxy.engine().backends().get(0).counters().redispatches())
                    .isGreaterThanOrEqualTo(2);

            // Primary back: with no check to say otherwise it is the first usable server again.
            db.primary().restart();
            assertThat(Jdbc.serverIdVia(port)).isEqualTo(db.primary().serverId());
        }
    }
}
