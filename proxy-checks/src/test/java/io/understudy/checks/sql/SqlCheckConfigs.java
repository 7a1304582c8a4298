package io.understudy.checks.sql;

import io.understudy.core.config.CheckConfig;
import java.time.Duration;
import java.util.Optional;

/** {@link CheckConfig}s for SQL check tests: only what an SQL check reads differs from the defaults. */
final class SqlCheckConfigs {
    /** Generous: a passing check never waits for it, and a loaded 2-core machine must not fail a passing check. */
    static final Duration PASSING_TIMEOUT = Duration.ofSeconds(5);

    private SqlCheckConfigs() {}

    static CheckConfig sql(String user, String password) {
        return sql(user, password, PASSING_TIMEOUT, "SELECT 1", false, Optional.empty());
    }

    static CheckConfig sql(
            String user,
            String password,
            Duration timeout,
            String query,
            boolean requireWritable,
            Optional<Duration> maxLag) {
        CheckConfig d = CheckConfig.disabled();
        return new CheckConfig(
                true,
                CheckConfig.CheckType.SQL,
                user,
                password,
                d.variant(),
                d.inter(),
                d.fastinter(),
                d.downinter(),
                d.rise(),
                d.fall(),
                timeout,
                d.spread(),
                d.initialUp(),
                query,
                requireWritable,
                maxLag);
    }

    static CheckConfig checkpw() {
        return sql("checkpw", "s3cret");
    }

    static CheckConfig withQuery(String query) {
        return sql("checkpw", "s3cret", PASSING_TIMEOUT, query, false, Optional.empty());
    }

    static CheckConfig requireWritable() {
        return sql("checkpw", "s3cret", PASSING_TIMEOUT, "SELECT 1", true, Optional.empty());
    }

    static CheckConfig maxLag(Duration maxLag) {
        return sql("checkpw", "s3cret", PASSING_TIMEOUT, "SELECT 1", false, Optional.of(maxLag));
    }

    static CheckConfig timeout(Duration timeout) {
        return sql("checkpw", "s3cret", timeout, "SELECT 1", false, Optional.empty());
    }
}
