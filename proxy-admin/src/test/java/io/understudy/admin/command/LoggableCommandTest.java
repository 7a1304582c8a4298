package io.understudy.admin.command;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What an admin command's log line may carry: no control characters, and a bounded length. */
class LoggableCommandTest {
    @Test
    void controlCharactersAreWrittenAsEscapes() {
        assertThat(CommandRegistry.loggable("disable server MySQL/Primary\r\n2026 INFO forged\u001b[2J"))
                .isEqualTo("disable server MySQL/Primary\\x0d\\x0a2026 INFO forged\\x1b[2J");
    }

    @Test
    void aLongCommandIsCutWithHowMuchWasLeftOut() {
        String line = "set server MySQL/Primary state " + "x".repeat(64 * 1024);
        String logged = CommandRegistry.loggable(line);
        assertThat(logged).startsWith("set server MySQL/Primary state xxx");
        assertThat(logged).endsWith("... (" + (line.length() - CommandRegistry.MAX_LOGGED_CHARS) + " more characters)");
        assertThat(logged.length()).isLessThan(CommandRegistry.MAX_LOGGED_CHARS + 40);
    }

    @Test
    void anOrdinaryCommandIsUnchanged() {
        assertThat(CommandRegistry.loggable("enable server MySQL/Primary")).isEqualTo("enable server MySQL/Primary");
    }
}
