package io.understudy.admin.stats;

import io.understudy.core.config.BackendConfig;
import io.understudy.core.config.Balance;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.FrontendConfig;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.ServerConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Config records for stats tests, built directly (proxy-core exports no test helpers). */
final class StatsFixtures {
    private StatsFixtures() {}

    static HostPort addr(int port) {
        return new HostPort("127.0.0.1", port, new InetSocketAddress("127.0.0.1", port));
    }

    /**
     * A check with rise 2 / fall 3. {@code fastinter} is short and {@code inter}/{@code downinter} an hour, so a
     * server's checks run quickly while it is in transition and stop once it is fully up or fully down: tests drive
     * every further check themselves. A live-traffic error counts as one failed check ({@code on-error fail-check}),
     * so the tests see every step of the counter.
     */
    static CheckConfig check() {
        return new CheckConfig(
                true,
                CheckConfig.CheckType.MYSQL,
                "haproxy",
                "",
                CheckConfig.MySqlVariant.POST_41,
                Duration.ofHours(1),
                Duration.ofMillis(10),
                Duration.ofHours(1),
                2,
                3,
                Duration.ofHours(1),
                0.0,
                true,
                "SELECT 1",
                false,
                Optional.empty(),
                new io.understudy.core.config.LiveErrors(
                        true, 1, io.understudy.core.config.LiveErrors.OnError.FAIL_CHECK));
    }

    static ServerConfig server(
            String name, int id, int port, boolean backup, int weight, int maxconn, boolean checked) {
        return new ServerConfig(
                name, id, addr(port), backup, weight, maxconn, false, checked ? check() : CheckConfig.disabled());
    }

    static BackendConfig backend(String name, Balance balance, ServerConfig... servers) {
        return new BackendConfig(
                name,
                balance,
                false,
                3,
                -1,
                Duration.ofMillis(10),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                new ArrayList<>(Arrays.asList(servers)),
                FailoverPolicy.defaults());
    }

    static FrontendConfig frontend(String name, int port, int maxconn) {
        return new FrontendConfig(name, addr(port), maxconn, Duration.ofSeconds(10));
    }

    /** {@code cut -d, -f<fields>} over every line, as the shell does it (a line without a comma passes whole). */
    static String cut(String text, int... fields) {
        StringBuilder out = new StringBuilder();
        List<String> lines = Arrays.asList(text.split("\n", -1));
        // The text ends with "\n": the element after it is not a line.
        for (String line : lines.subList(0, lines.size() - 1)) {
            if (line.indexOf(',') < 0) {
                out.append(line).append('\n');
                continue;
            }
            String[] cells = line.split(",", -1);
            List<String> picked = new ArrayList<>();
            for (int f : fields) {
                if (f - 1 < cells.length) {
                    picked.add(cells[f - 1]);
                }
            }
            out.append(String.join(",", picked)).append('\n');
        }
        return out.toString();
    }
}
