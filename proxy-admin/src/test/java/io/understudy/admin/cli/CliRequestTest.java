package io.understudy.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request line splitting and word parsing, HAProxy's rules. */
class CliRequestTest {

    @Test
    void splitsCommandsOnUnescapedSemicolons() {
        assertThat(CliRequest.parse("show cli level;get weight b/s; disable server b/s"))
                .containsExactly(
                        List.of("show", "cli", "level"),
                        List.of("get", "weight", "b/s"),
                        List.of("disable", "server", "b/s"));
        assertThat(CliRequest.parse("a\\;b;c")).containsExactly(List.of("a;b"), List.of("c"));
        // A trailing separator leaves an empty command, which HAProxy answers with an empty line.
        assertThat(CliRequest.parse("a;")).containsExactly(List.of("a"), List.of());
        assertThat(CliRequest.parse("a;;b")).containsExactly(List.of("a"), List.of(), List.of("b"));
        assertThat(CliRequest.parse("")).containsExactly(List.of());
    }

    @Test
    void wordsSplitOnSpacesAndTabsWithBackslashEscapes() {
        assertThat(CliRequest.words("  show \t stat  ")).containsExactly("show", "stat");
        assertThat(CliRequest.words("set server a\\ b/c")).containsExactly("set", "server", "a b/c");
        assertThat(CliRequest.words("x\\\\y")).containsExactly("x\\y");
        assertThat(CliRequest.words("x\\y")).containsExactly("xy");
        assertThat(CliRequest.words("trailing\\")).containsExactly("trailing");
        assertThat(CliRequest.words("show info\r")).containsExactly("show", "info");
        assertThat(CliRequest.words("show\rinfo")).containsExactly("show\rinfo");
    }

    @Test
    void nulEndsTheCommandLikeAcString() {
        assertThat(CliRequest.parse("show info\0garbage;show stat"))
                .containsExactly(List.of("show", "info"), List.of("show", "stat"));
        assertThat(CliRequest.words("\0show")).isEmpty();
    }

    @Test
    void keepsAtMost64Words() {
        String many = String.join(" ", Collections.nCopies(100, "w"));
        assertThat(CliRequest.words(many)).hasSize(CliRequest.MAX_WORDS);
    }
}
