package io.understudy.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.model.Server;
import io.understudy.core.relay.RelayLimits;
import io.understudy.core.session.ProxySession;
import io.understudy.testkit.LeakDetectionExtension;
import io.understudy.testkit.MariaDbExtension;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client that stops reading in the middle of a large result cannot make the proxy buffer it. */
@Timeout(180)
@ExtendWith(LeakDetectionExtension.class)
class SlowReaderIT {
    @RegisterExtension
    static MariaDbExtension db = MariaDbExtension.single();

    @Test
    void memoryStaysWithinTheBoundWhileTheClientPausesAndTheResultIsIntactAfter() throws Exception {
        String sql = "SELECT seq, REPEAT(CHAR(65 + seq % 26), 1000) FROM seq_1_to_100000";
        try (InProcessProxy proxy = InProcessProxy.activeBackup(db.servers(), "");
                Connection c = Jdbc.connect(proxy.port());
                Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            st.setFetchSize(Integer.MIN_VALUE); // streaming: the driver reads the socket only as rows are consumed
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (ResultSet rs = st.executeQuery(sql)) {
                assertThat(rs.next()).isTrue();
                digest(md, rs);
                ProxySession session =
                        proxy.engine().sessions().sessions().iterator().next();
                Server primary = proxy.engine().backends().get(0).servers().get(0);
                AtomicLong max = new AtomicLong();
                AtomicLong last = new AtomicLong(-1);
                // The client reads nothing now. The server's output must stall: bytes out stop moving.
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> {
                            max.accumulateAndGet(session.bufferedBytes(), Math::max);
                            long now = primary.counters().bytesOut();
                            return now == last.getAndSet(now);
                        });
                long stalledAt = primary.counters().bytesOut();
                assertThat(max.get()).isLessThanOrEqualTo(RelayLimits.MAX_BUFFERED_PER_SESSION);
                assertThat(stalledAt)
                        .as("bytes the proxy took from the server before stalling")
                        .isLessThan(60_000_000L);
                System.out.printf(
                        "slow reader: stalled after %d bytes from the server, at most %d bytes buffered in the proxy%n",
                        stalledAt, max.get());

                long rows = 1;
                while (rs.next()) {
                    digest(md, rs);
                    rows++;
                    if (rows % 1000 == 0) {
                        max.accumulateAndGet(session.bufferedBytes(), Math::max);
                    }
                }
                assertThat(rows).isEqualTo(100_000);
                assertThat(max.get()).isLessThanOrEqualTo(RelayLimits.MAX_BUFFERED_PER_SESSION);
            }
            assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(directDigest(sql));
        }
    }

    private static String directDigest(String sql) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Connection c = Jdbc.connect(db.server().port());
                Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            st.setFetchSize(Integer.MIN_VALUE);
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    digest(md, rs);
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void digest(MessageDigest md, ResultSet rs) throws Exception {
        md.update(rs.getBytes(1));
        md.update(rs.getBytes(2));
    }
}
