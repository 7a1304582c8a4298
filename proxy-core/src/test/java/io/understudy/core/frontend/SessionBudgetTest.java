package io.understudy.core.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.core.frontend.SessionBudget.Descriptors;
import org.junit.jupiter.api.Test;

/** The sessions a file-descriptor limit allows: two descriptors each, after what is open and what is reserved. */
class SessionBudgetTest {
    @Test
    void eachSessionTakesTwoDescriptorsAfterTheReservedAndTheSpare() {
        // 1024 - 100 open - 150 reserved - 32 spare = 742, two per session.
        assertThat(SessionBudget.sessionsThatFit(new Descriptors(1024, 100), 150))
                .isEqualTo(371);
        SessionBudget b = new SessionBudget();
        assertThat(b.max()).isEqualTo(Integer.MAX_VALUE);
        b.measure(new Descriptors(1024, 100), 150, 2000);
        assertThat(b.max()).isEqualTo(371);
    }

    @Test
    void setMaxconnGlobalLowersTheBudgetAndZeroGivesBackTheDescriptorsOwn() {
        SessionBudget b = new SessionBudget();
        b.measure(new Descriptors(1024, 100), 150, 2000);
        b.limits(10, 0);
        assertThat(b.max()).isEqualTo(10);
        assertThat(b.hardMax()).isEqualTo(371);
        b.limits(0, 0);
        assertThat(b.max()).isEqualTo(371);
        // A limit above what the descriptors allow cannot raise the budget.
        b.limits(100_000, 0);
        assertThat(b.max()).isEqualTo(371);
    }

    @Test
    void theConnectionRateLimitStopsAcceptingForTheRestOfTheSecond() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(5_000_000_000L);
        SessionBudget b = new SessionBudget(now::get);
        b.limits(0, 3);
        assertThat(b.rateAllows()).isTrue();
        b.take();
        b.take();
        assertThat(b.rateAllows()).isTrue();
        b.take();
        assertThat(b.rateAllows()).isFalse();
        now.addAndGet(999_000_000L);
        assertThat(b.rateAllows()).isFalse();
        now.addAndGet(1_000_000L);
        assertThat(b.rateAllows()).isTrue();
        b.take();
        assertThat(b.rateAllows()).isTrue();
        b.limits(0, 0);
        assertThat(b.rateAllows()).isTrue();
    }

    @Test
    void aLimitThatLeavesNoRoomIsRefusedWithWhatToRaise() {
        SessionBudget b = new SessionBudget();
        assertThatThrownBy(() -> b.measure(new Descriptors(64, 40), 10, 2000))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ulimit -n 64")
                .hasMessageContaining("LimitNOFILE");
    }

    @Test
    void theBudgetIsSpentAtItsMaxAndFreeBelow() {
        SessionBudget b = new SessionBudget();
        b.measure(new Descriptors(40 + 2 * 2 + SessionBudget.SLACK, 40), 0, 2);
        assertThat(b.max()).isEqualTo(2);
        b.take();
        assertThat(b.spent()).isFalse();
        b.take();
        assertThat(b.spent()).isTrue();
        b.release();
        assertThat(b.spent()).isFalse();
        assertThat(b.open()).isEqualTo(1);
    }
}
