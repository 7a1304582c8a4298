package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.parse;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code metrics { ... }} and {@code global.state-file}: optional, with defaults and clear errors. */
class MetricsAndStateConfigTest {
    @Test
    void neitherIsOnUnlessConfigured() throws Exception {
        ProxyConfig c = parse(MINIMAL_LISTEN);
        assertThat(c.metrics()).isEmpty();
        assertThat(c.global().stateFile()).isEmpty();
    }

    @Test
    void metricsTakeABindAndDefaultPathAndPrefix() throws Exception {
        ProxyConfig c = parse(MINIMAL_LISTEN + "\nmetrics { bind = \"127.0.0.1:8405\" }\n");
        MetricsConfig m = c.metrics().orElseThrow();
        assertThat(m.bind().port()).isEqualTo(8405);
        assertThat(m.path()).isEqualTo("/metrics");
        assertThat(m.prefix()).isEqualTo("understudy");

        MetricsConfig h = parse(MINIMAL_LISTEN + "\nmetrics { bind = \":9101\", path = /prom, prefix = haproxy }\n")
                .metrics()
                .orElseThrow();
        assertThat(h.bind().host()).isEqualTo("0.0.0.0");
        assertThat(h.path()).isEqualTo("/prom");
        assertThat(h.prefix()).isEqualTo("haproxy");
    }

    @Test
    void badMetricsSettingsAreReportedWithKeyValueAndLine() {
        assertThat(problems(
                        MINIMAL_LISTEN + "\nmetrics { bind = \"127.0.0.1:8405\", path = metrics, prefix = \"9x\" }\n"))
                .extracting(ConfigProblem::describe)
                .anySatisfy(
                        d -> assertThat(d).contains("metrics.path = metrics: expected an HTTP path starting with /"))
                .anySatisfy(
                        d -> assertThat(d).contains("metrics.prefix = 9x: expected a Prometheus metric name prefix"));
        assertThat(problems(MINIMAL_LISTEN + "\nmetrics { path = /metrics }\n"))
                .extracting(ConfigProblem::describe)
                .anySatisfy(d -> assertThat(d).contains("metrics.bind = (missing)"));
        assertThat(problems(MINIMAL_LISTEN + "\nmetrics { bind = \"127.0.0.1:8405\", prefixx = a }\n"))
                .extracting(ConfigProblem::describe)
                .anySatisfy(d -> assertThat(d).contains("did you mean `prefix`?"));
    }

    @Test
    void theStateFileIsAPath() throws Exception {
        ProxyConfig c = parse("global.state-file = \"/var/lib/understudy/state\"\n" + MINIMAL_LISTEN);
        assertThat(c.global().stateFile()).contains(Path.of("/var/lib/understudy/state"));
        assertThat(problems("global.state-file = \"\"\n" + MINIMAL_LISTEN))
                .extracting(ConfigProblem::describe)
                .anySatisfy(d -> assertThat(d).contains("global.state-file"));
    }
}
