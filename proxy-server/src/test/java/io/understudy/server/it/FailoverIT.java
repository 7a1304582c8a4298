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

/**
 * Without any health check nothing can move a writer: a SIGKILLed primary costs its new clients an error naming why
 * (HAProxy's behaviour), and none of them is sent to the backup on its own, where it would write to a second master.
 */
@Timeout(180)
@ExtendWith(LeakDetectionExtension.class)
class FailoverIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.primaryBackup();

    @Test
    void withoutChecksAKilledWriterIsNotLeftByItsClientsOnTheirOwn() throws Exception {
        try (InProcessProxy proxy = InProcessProxy.activeBackup(db.servers(), "")) {
            int port = proxy.port();
            assertThat(Jdbc.serverIdVia(port)).isEqualTo(db.primary().serverId());

            try (Connection onPrimary = Jdbc.connect(port)) {
                assertThat(Jdbc.serverId(onPrimary)).isEqualTo(db.primary().serverId());
                db.primary().kill9();
                // The session that was on the dead server fails, as it must: its server is gone.
                assertThatThrownBy(() -> Jdbc.serverId(onPrimary)).isInstanceOf(SQLException.class);
            }

            // No health check: Primary stays the writer, so the next client is retried on it, then told why.
            assertThatThrownBy(() -> Jdbc.serverIdVia(port))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Understudy: cannot connect to MySQL/Primary after 4 attempts");
            MariaDbCli.Result cli =
                    MariaDbCli.to("127.0.0.1", port, "app", "app").batch().execute("SELECT @@server_id");
            assertThat(cli.succeeded()).as(cli.toString()).isFalse();
            assertThat(cli.stderr()).contains("cannot connect to MySQL/Primary");
            assertThat(proxy.server("Secondary").counters().totalSessions()).isZero();

            // Primary back: the writer answers again.
            db.primary().restart();
            assertThat(Jdbc.serverIdVia(port)).isEqualTo(db.primary().serverId());
        }
    }
}
