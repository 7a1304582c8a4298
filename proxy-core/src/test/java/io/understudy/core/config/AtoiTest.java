package io.understudy.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** C's atoi, as HAProxy reads ids and numbers on its CLI (the two copies this replaced disagreed on the edges). */
class AtoiTest {
    @Test
    void leadingIntegerOrZero() {
        assertThat(Atoi.parse("42")).isEqualTo(42);
        assertThat(Atoi.parse("2x")).isEqualTo(2);
        assertThat(Atoi.parse("x2")).isZero();
        assertThat(Atoi.parse("")).isZero();
        assertThat(Atoi.parse("-")).isZero();
        assertThat(Atoi.parse("-7")).isEqualTo(-7);
        assertThat(Atoi.parse("+7")).isEqualTo(7);
        assertThat(Atoi.parse("  12")).isEqualTo(12);
    }

    @Test
    void onlyAsciiDigitsCount() {
        // Arabic-Indic digits are digits to Character.isDigit, not to C.
        assertThat(Atoi.parse("\u0661\u0662")).isZero();
        assertThat(Atoi.parse("3\u0661")).isEqualTo(3);
    }

    @Test
    void saturatesInsteadOfOverflowing() {
        assertThat(Atoi.parse("99999999999999999999")).isEqualTo(Integer.MAX_VALUE);
        assertThat(Atoi.parse("-99999999999999999999")).isEqualTo(Integer.MIN_VALUE);
        assertThat(Atoi.parse("2147483647")).isEqualTo(Integer.MAX_VALUE);
        assertThat(Atoi.parse("-2147483648")).isEqualTo(Integer.MIN_VALUE);
    }
}
