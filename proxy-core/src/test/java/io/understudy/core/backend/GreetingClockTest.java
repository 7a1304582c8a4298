package io.understudy.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The greeting deadline rule of {@code timeout greeting = auto}, and a fixed value. */
class GreetingClockTest {
    static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void beforeTheFirstGreetingTheCallersLimitApplies() {
        GreetingClock clock = new GreetingClock(Optional.empty());
        assertThat(clock.deadlineMillis(10_000)).isEqualTo(10_000);
        assertThat(clock.describe()).isEqualTo("no greeting seen yet");
    }

    @Test
    void fastGreetingsGetTheFloor() {
        GreetingClock clock = new GreetingClock(Optional.empty());
        clock.record(ms(1));
        clock.record(TimeUnit.MICROSECONDS.toNanos(300));
        assertThat(clock.deadlineMillis(10_000)).isEqualTo(300);
        assertThat(clock.describe()).isEqualTo("slowest recent greeting 1ms");
    }

    @Test
    void aLoadedServerGetsTenTimesItsSlowestRecentGreetingCappedByTheLimit() {
        GreetingClock clock = new GreetingClock(Optional.empty());
        clock.record(ms(5));
        clock.record(ms(45));
        clock.record(ms(12));
        assertThat(clock.deadlineMillis(10_000)).isEqualTo(450);
        assertThat(clock.deadlineMillis(200))
                .as("never more than the caller's limit")
                .isEqualTo(200);
    }

    @Test
    void aSlowGreetingAgesOutAfterSixteenOthers() {
        GreetingClock clock = new GreetingClock(Optional.empty());
        clock.record(ms(90));
        for (int i = 0; i < GreetingClock.SAMPLES - 1; i++) {
            clock.record(ms(1));
        }
        assertThat(clock.deadlineMillis(10_000)).isEqualTo(900);
        clock.record(ms(1));
        assertThat(clock.deadlineMillis(10_000)).isEqualTo(300);
    }

    @Test
    void aFixedValueReplacesTheRuleButNotTheLimit() {
        GreetingClock clock = new GreetingClock(Optional.of(Duration.ofMillis(750)));
        clock.record(ms(200));
        assertThat(clock.deadlineMillis(10_000)).isEqualTo(750);
        assertThat(clock.deadlineMillis(500)).isEqualTo(500);
        assertThat(clock.describe()).isEqualTo("timeout greeting 750ms");
    }
}
