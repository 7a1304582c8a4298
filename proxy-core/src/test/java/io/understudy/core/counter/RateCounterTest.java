package io.understudy.core.counter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateCounterTest {
    private final AtomicLong now = new AtomicLong(10_000);
    private final RateCounter rate = new RateCounter(now::get);

    @Test
    void countsTheCurrentSecondPlusTheWeightedPreviousOne() {
        assertThat(rate.rate()).isZero();
        for (int i = 0; i < 10; i++) {
            rate.increment();
        }
        assertThat(rate.rate()).isEqualTo(10);
        // Half-way into the next second: none new, half of the previous ten still count.
        now.set(11_500);
        assertThat(rate.rate()).isEqualTo(5);
        rate.increment();
        assertThat(rate.rate()).isEqualTo(6);
        // Two seconds later nothing is left.
        now.set(13_000);
        assertThat(rate.rate()).isZero();
        assertThat(rate.max()).isEqualTo(10);
    }

    @Test
    void maxIsTheHighestRateSeen() {
        for (int i = 0; i < 3; i++) {
            rate.increment();
        }
        now.set(10_999);
        for (int i = 0; i < 4; i++) {
            rate.increment();
        }
        assertThat(rate.max()).isEqualTo(7);
        now.set(20_000);
        rate.increment();
        assertThat(rate.rate()).isEqualTo(1);
        assertThat(rate.max()).isEqualTo(7);
    }
}
