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
    void aSlowGreetingCountsForThirtySecondsHoweverManyFastOnesFollow() {
        long[] now = {ms(5_000)};
        GreetingClock clock = new GreetingClock(Optional.empty(), "greeting", () -> now[0]);
        clock.record(ms(90));
        // A busy proxy: hundreds of fast greetings a second must not make the clock forget the slow one.
        for (int i = 0; i < 1_000; i++) {
            now[0] += ms(29);
            clock.record(ms(1));
        }
        assertThat(clock.deadlineMillis(10_000)).isEqualTo(900);
        now[0] += ms(1_000);
        clock.record(ms(1));
        assertThat(clock.deadlineMillis(10_000)).as("30 s after the slow one").isEqualTo(300);
        assertThat(clock.describe()).isEqualTo("slowest recent greeting 1ms");
    }

    @Test
    void aQuietServerKeepsTheLastSecondThatHadGreetings() {
        // A backup nobody connects to, checked by a kind of check that reads no greeting: it must not fall back to
        // the whole connect timeout, or a frozen backup would cost clients that long when traffic moves to it.
        long[] now = {0};
        GreetingClock clock = new GreetingClock(Optional.empty(), "greeting", () -> now[0]);
        clock.record(ms(90));
        now[0] += ms(2_000);
        clock.record(ms(2));
        now[0] += ms(GreetingClock.WINDOW_SECONDS * 10_000L);
        assertThat(clock.deadlineMillis(10_000)).isEqualTo(300);
        assertThat(clock.describe()).isEqualTo("slowest recent greeting 2ms");
    }

    @Test
    void greetingsRecordedTogetherKeepTheSlowest() throws Exception {
        GreetingClock clock = new GreetingClock(Optional.empty());
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int slow = t == 2 ? 70 : 1;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    clock.record(ms(i == 5_000 ? slow : 1));
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(clock.deadlineMillis(10_000)).isEqualTo(700);
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
