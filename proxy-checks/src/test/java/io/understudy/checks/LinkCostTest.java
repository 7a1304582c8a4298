package io.understudy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The slack a check gets for the link's own latency: the quickest recent pass, capped at the timeout. */
class LinkCostTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    @Test
    void noPassYetMeansNoSlack() {
        assertThat(new ServerChecker.LinkCost().slack(TIMEOUT)).isZero();
    }

    @Test
    void theQuickestOfTheRecentPassesIsTheLinksCostSoALossDoesNotRaiseIt() {
        ServerChecker.LinkCost cost = new ServerChecker.LinkCost();
        cost.passed(620);
        cost.passed(1_640); // a pass that waited out a lost SYN
        cost.passed(605);
        assertThat(cost.slack(TIMEOUT)).isEqualTo(Duration.ofMillis(605));
    }

    @Test
    void oldPassesAgeOutAndTheSlackNeverExceedsTheTimeout() {
        ServerChecker.LinkCost cost = new ServerChecker.LinkCost();
        cost.passed(2);
        for (int i = 0; i < ServerChecker.LinkCost.PASSES; i++) {
            cost.passed(4_000);
        }
        assertThat(cost.slack(TIMEOUT)).as("the 2 ms pass aged out; capped").isEqualTo(TIMEOUT);
    }
}
