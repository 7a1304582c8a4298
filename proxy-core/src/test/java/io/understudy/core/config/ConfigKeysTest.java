package io.understudy.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Typo suggestions for unknown keys. */
class ConfigKeysTest {
    @Test
    void suggestsKeysWithinTwoEditsCountingASwapAsOne() {
        assertThat(ConfigKeys.closest("timeuot", ConfigKeys.LISTEN)).contains("timeout");
        assertThat(ConfigKeys.closest("retry_delay", ConfigKeys.LISTEN)).contains("retry-delay");
        assertThat(ConfigKeys.closest("Bind", ConfigKeys.LISTEN)).contains("bind");
        assertThat(ConfigKeys.closest("server", ConfigKeys.LISTEN)).contains("servers");
        assertThat(ConfigKeys.closest("allbackup", ConfigKeys.DEFAULTS)).contains("allbackups");
        assertThat(ConfigKeys.closest("intervall", ConfigKeys.CHECK)).isEmpty();
        assertThat(ConfigKeys.closest("intr", ConfigKeys.CHECK)).contains("inter");
        assertThat(ConfigKeys.closest("require_writeable", ConfigKeys.CHECK)).contains("require-writable");
        assertThat(ConfigKeys.closest("maxlag", ConfigKeys.CHECK)).contains("max-lag");
    }

    @Test
    void suggestsNothingForUnrelatedKeys() {
        assertThat(ConfigKeys.closest("mode", ConfigKeys.LISTEN)).isEmpty();
        assertThat(ConfigKeys.closest("frobnicate", ConfigKeys.GLOBAL)).isEmpty();
        assertThat(ConfigKeys.closest("ab", List.of("xy"))).isEmpty();
    }

    @Test
    void distanceCountsAdjacentSwapsAsOneEdit() {
        assertThat(ConfigKeys.distance("abc", "abc")).isZero();
        assertThat(ConfigKeys.distance("abc", "acb")).isEqualTo(1);
        assertThat(ConfigKeys.distance("abc", "")).isEqualTo(3);
        assertThat(ConfigKeys.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void aListenSectionAcceptsEveryDefaultsKey() {
        assertThat(ConfigKeys.LISTEN).containsAll(ConfigKeys.DEFAULTS).contains("bind", "servers");
        assertThat(ConfigKeys.DEFAULTS).doesNotContain("bind", "servers");
    }

    @Test
    void checkIsAcceptedAtEveryLevelItMayBeWritten() {
        assertThat(ConfigKeys.DEFAULTS).contains("check", "failback", "on-marked-down", "on-marked-up");
        assertThat(ConfigKeys.LISTEN).contains("check", "failback", "on-marked-down", "on-marked-up");
        assertThat(ConfigKeys.SERVER).contains("check").doesNotContain("failback");
    }
}
