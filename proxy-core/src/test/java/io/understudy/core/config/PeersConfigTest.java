package io.understudy.core.config;

import static io.understudy.core.config.ConfigTesting.MINIMAL_LISTEN;
import static io.understudy.core.config.ConfigTesting.parse;
import static io.understudy.core.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code peers { ... }}: the pair, the same on both proxies but for {@code local}; its secret is never printed. */
class PeersConfigTest {
    private static final String PAIR = "\npeers {\n  local = lbA\n  secret = \"0123456789abcdef-pair\"\n"
            + "  members { lbA = \"127.0.0.1:7400\", lbB = \"127.0.0.2:7400\" }\n";

    @Test
    void noPeersMeansAlone() throws Exception {
        assertThat(parse(MINIMAL_LISTEN).peers()).isEmpty();
    }

    @Test
    void aPairWithDefaults() throws Exception {
        PeersConfig p = parse(MINIMAL_LISTEN + PAIR + "}\n").peers().orElseThrow();
        assertThat(p.local()).isEqualTo("lbA");
        assertThat(p.localAddress().port()).isEqualTo(7400);
        assertThat(p.others()).containsOnlyKeys("lbB");
        assertThat(p.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.syncTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.maxMessage()).isEqualTo(65536);
        assertThat(p.writerLock()).isTrue();
        assertThat(p.toString()).doesNotContain("0123456789abcdef");
        PeersConfig q = parse(MINIMAL_LISTEN + PAIR
                        + "interval = 200ms, sync-timeout = 2s, max-message = 4096, writer-lock = off }\n")
                .peers()
                .orElseThrow();
        assertThat(q.interval()).isEqualTo(Duration.ofMillis(200));
        assertThat(q.maxMessage()).isEqualTo(4096);
        assertThat(q.writerLock()).isFalse();
    }

    @Test
    void mistakesAreReportedWithoutPrintingTheSecret() {
        assertThat(problems(MINIMAL_LISTEN + PAIR.replace("local = lbA", "local = lbC") + "}\n"))
                .extracting(ConfigProblem::describe)
                .anySatisfy(d -> assertThat(d)
                        .contains("peers.local = lbC: expected the name of one of peers.members")
                        .contains("lbA, lbB"));
        assertThat(problems(MINIMAL_LISTEN + PAIR.replace("0123456789abcdef-pair", "short") + "}\n"))
                .extracting(ConfigProblem::describe)
                .anySatisfy(d -> assertThat(d).contains("peers.secret").contains("at least 16 characters"))
                .allSatisfy(d -> assertThat(d).doesNotContain("short"));
        assertThat(problems(MINIMAL_LISTEN + PAIR.replace(", lbB = \"127.0.0.2:7400\"", "") + "}\n"))
                .extracting(ConfigProblem::describe)
                .anySatisfy(d -> assertThat(d).contains("peers.members").contains("exactly two members"));
        assertThat(problems(MINIMAL_LISTEN + PAIR + "secrte = x }\n"))
                .extracting(ConfigProblem::describe)
                .anySatisfy(d -> assertThat(d).contains("did you mean `secret`?"));
        assertThat(problems(MINIMAL_LISTEN + "\npeers { members { lbA = \"127.0.0.1:7400\" } }\n"))
                .extracting(ConfigProblem::describe)
                .anySatisfy(d -> assertThat(d).contains("peers.local = (missing)"))
                .anySatisfy(d -> assertThat(d).contains("peers.secret = (missing)"));
    }
}
