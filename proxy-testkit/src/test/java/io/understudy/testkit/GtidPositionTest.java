package io.understudy.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GtidPositionTest {
    @Test
    void keepsTheHighestSequencePerDomain() {
        assertThat(GtidPosition.parse("1-1-17,2-2-5").seqByDomain()).isEqualTo(Map.of(1L, 17L, 2L, 5L));
        assertThat(GtidPosition.parse("").seqByDomain()).isEmpty();
    }

    @Test
    void reachedOnlyWhenEveryDomainOfTheTargetIsReached() {
        GtidPosition target = GtidPosition.parse("1-1-17");
        assertThat(GtidPosition.parse("1-1-17,2-2-3").reached(target)).isTrue();
        assertThat(GtidPosition.parse("1-1-18").reached(target)).isTrue();
        assertThat(GtidPosition.parse("1-1-16,2-2-90").reached(target)).isFalse();
        assertThat(GtidPosition.parse("2-2-90").reached(target)).isFalse();
        assertThat(GtidPosition.parse("").reached(GtidPosition.parse(""))).isTrue();
    }
}
