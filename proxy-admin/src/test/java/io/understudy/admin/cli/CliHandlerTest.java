package io.understudy.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.understudy.admin.command.CliSession;
import io.understudy.admin.command.CommandRegistry;
import io.understudy.admin.command.TestProxy;
import io.understudy.core.config.AdminSocketConfig.Level;
import io.understudy.testkit.LeakDetectionExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The CLI framing on an {@link EmbeddedChannel}: what follows each reply, when the connection closes, the limits. */
@Timeout(30)
@ExtendWith(LeakDetectionExtension.class)
class CliHandlerTest {
    static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    static EmbeddedChannel channel(Level level) {
        return channel(level, new CliLimits(1024, 10, Duration.ofSeconds(10), Duration.ofSeconds(5)));
    }

    static EmbeddedChannel channel(Level level, CliLimits limits) {
        CommandRegistry registry = proxy.registry();
        CliFrameDecoder decoder = new CliFrameDecoder(limits.maxLineBytes());
        return new EmbeddedChannel(decoder, new CliHandler(registry, limits, decoder, new CliSession(level)));
    }

    static void send(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** Everything written so far, waiting (bounded) for replies that complete on the control plane's thread. */
    static String output(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do {
            ch.runPendingTasks();
            for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
                out.append(b.toString(StandardCharsets.UTF_8));
                b.release();
            }
        } while (ch.isOpen() && System.nanoTime() < deadline && out.isEmpty());
        return out.toString();
    }

    @Test
    void nonInteractiveAnswersTheLineThenCloses() {
        EmbeddedChannel ch = channel(Level.ADMIN);
        send(ch, "show cli level\n");
        assertThat(output(ch)).isEqualTo("admin\n\n");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void severalCommandsOnOneLineEachGetTheirEmptyLine() {
        EmbeddedChannel ch = channel(Level.ADMIN);
        send(ch, "show cli level;get weight MySQL/Primary;disable server MySQL/nosuch;get weight MySQL/Secondary\n");
        String out = drainUntilClosed(ch);
        assertThat(out).isEqualTo("admin\n\n1 (initial 1)\n\nNo such server.\n\n1 (initial 1)\n\n");
    }

    @Test
    void pipelinedLinesInOneWriteAreAllAnswered() {
        EmbeddedChannel ch = channel(Level.USER);
        send(ch, "show cli level\nget weight MySQL/Primary\r\n");
        assertThat(drainUntilClosed(ch)).isEqualTo("user\n\n1 (initial 1)\n\n");
    }

    @Test
    void aPartialNextLineKeepsTheConnectionOpen() {
        EmbeddedChannel ch = channel(Level.USER);
        send(ch, "show cli level\nshow cli");
        assertThat(output(ch)).isEqualTo("user\n\n");
        assertThat(ch.isOpen()).isTrue();
        send(ch, " level\n");
        assertThat(drainUntilClosed(ch)).isEqualTo("user\n\n");
    }

    @Test
    void promptModeSessionIsByteExact() {
        EmbeddedChannel ch = channel(Level.ADMIN);
        send(ch, "prompt\nshow cli level\nget weight MySQL/Primary\nquit\n");
        // Reference §2.3, observed with HAProxy 2.9.
        assertThat(drainUntilClosed(ch)).isEqualTo("\n> admin\n\n> 1 (initial 1)\n\n> ");
    }

    @Test
    void promptStaysOpenBetweenLinesAndPromptAgainLeaves() {
        EmbeddedChannel ch = channel(Level.OPERATOR);
        send(ch, "prompt\n");
        assertThat(output(ch)).isEqualTo("\n> ");
        send(ch, "show cli level\n");
        assertThat(output(ch)).isEqualTo("operator\n\n> ");
        assertThat(ch.isOpen()).isTrue();
        send(ch, "prompt\n");
        assertThat(drainUntilClosed(ch)).isEqualTo("\n");
    }

    @Test
    void timedPromptShowsTheUptime() {
        EmbeddedChannel ch = channel(Level.OPERATOR);
        send(ch, "prompt timed\n");
        assertThat(output(ch)).matches("\n\\[\\d+:\\d\\d:\\d\\d:\\d\\d\\]> ");
        ch.close();
    }

    @Test
    void levelWithDashDropsTheEmptyLine() {
        EmbeddedChannel ch = channel(Level.ADMIN);
        send(ch, "operator -;show cli level\n");
        assertThat(drainUntilClosed(ch)).isEqualTo("operator\n\n");
    }

    @Test
    void emptyLineGetsOnlyTheEmptyLine() {
        EmbeddedChannel ch = channel(Level.ADMIN);
        send(ch, "\n");
        assertThat(drainUntilClosed(ch)).isEqualTo("\n");
    }

    @Test
    void tooLongLineGetsAnErrorThenClose() {
        EmbeddedChannel ch = channel(Level.ADMIN);
        send(ch, "x".repeat(2000));
        assertThat(drainUntilClosed(ch)).isEqualTo("Command line too long (limit 1024 bytes).\n");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void inputShutdownAnswersWhatIsQueuedThenCloses() {
        EmbeddedChannel ch = channel(Level.ADMIN);
        send(ch, "prompt\nshow cli level\n");
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(drainUntilClosed(ch)).isEqualTo("\n> admin\n\n> ");
    }

    @Test
    void inputShutdownWithHalfALineClosesWithoutRunningIt() {
        EmbeddedChannel ch = channel(Level.ADMIN);
        send(ch, "disable server MySQL/Primary");
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(drainUntilClosed(ch)).isEmpty();
        assertThat(proxy.server("Primary").state().inMaintenance()).isFalse();
    }

    @Test
    void idleConnectionIsClosedSilently() {
        EmbeddedChannel ch =
                channel(Level.ADMIN, new CliLimits(1024, 10, Duration.ofSeconds(10), Duration.ofSeconds(5)));
        send(ch, "prompt\n");
        assertThat(output(ch)).isEqualTo("\n> ");
        ch.advanceTimeBy(9, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        // A half line does not count as activity.
        send(ch, "show cli");
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void asyncRepliesArriveInOrder() {
        EmbeddedChannel ch = channel(Level.ADMIN);
        send(
                ch,
                "disable server MySQL/Secondary;show cli level;enable server MySQL/Secondary;get weight"
                        + " MySQL/Secondary\n");
        assertThat(drainUntilClosed(ch)).isEqualTo("\nadmin\n\n\n1 (initial 1)\n\n");
        assertThat(proxy.server("Secondary").state().admin()).isEmpty();
    }

    @Test
    void garbageIsAnUnknownCommandNeverAnException() {
        EmbeddedChannel ch = channel(Level.ADMIN);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 'x', (byte) 0xc3, '\n'}));
        assertThat(drainUntilClosed(ch)).startsWith("Unknown command, but maybe");
    }

    /** Reads until the channel has closed (bounded), for replies that complete off the event loop. */
    static String drainUntilClosed(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            ch.runPendingTasks();
            for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
                out.append(b.toString(StandardCharsets.UTF_8));
                b.release();
            }
            if (!ch.isOpen() || System.nanoTime() > deadline) {
                return out.toString();
            }
            Thread.onSpinWait();
        }
    }
}
