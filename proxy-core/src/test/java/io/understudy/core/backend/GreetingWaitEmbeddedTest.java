package io.understudy.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GreetingWait} on an embedded server channel: what counts as a greeting, every way the wait can fail, and that
 * no timer or buffer outlives it. Time is the channel's frozen clock, moved by hand; nothing waits for real.
 */
class GreetingWaitEmbeddedTest {
    private static final long TIMEOUT_MILLIS = 300;
    private static final String SERVER_CLOSED = "server closed the connection before its greeting";

    /** Every buffer a test fed in, checked for release at the end. */
    private final List<ByteBuf> fed = new ArrayList<>();

    private final ReadCounter reads = new ReadCounter();
    private final EventRecorder after = new EventRecorder();
    private EmbeddedChannel channel;
    private Promise<ByteBuf> greeting;

    @BeforeEach
    void connectToAServer() {
        channel = new EmbeddedChannel();
        // Frozen before the timer is scheduled, so that its deadline is exactly TIMEOUT_MILLIS on the test's clock.
        channel.freezeTime();
        // Like the connector's channels: nothing is read unless asked for.
        channel.config().setAutoRead(false);
        greeting = channel.eventLoop().newPromise();
        channel.pipeline().addLast("reads", reads);
        channel.pipeline()
                .addLast(
                        "greeting",
                        new GreetingWait(greeting, TIMEOUT_MILLIS, 0, new GreetingClock(java.util.Optional.empty())));
        channel.pipeline().addLast("after", after);
    }

    @AfterEach
    void everyBufferIsReleased() {
        if (greeting.isSuccess()) {
            greeting.getNow().release();
        }
        // finishAndReleaseAll also rethrows any exception that reached the end of the pipeline unhandled.
        channel.finishAndReleaseAll();
        assertThat(fed).allSatisfy(b -> assertThat(b.refCnt())
                .as("a buffer GreetingWait was given")
                .isZero());
    }

    @Test
    void asksForTheFirstReadAsSoonAsItIsAdded() {
        assertThat(reads.count).isEqualTo(1);
        assertThat(greeting.isDone()).isFalse();
    }

    @Test
    void aWholeFirstPacketCompletesThePromiseAndTheHandlerGetsOutOfTheWay() {
        ByteBuf hello = packet(0, "HELLO");
        channel.writeInbound(hello);

        assertThat(greeting.isSuccess()).isTrue();
        assertThat(greeting.getNow()).isSameAs(hello);
        assertThat(hello.refCnt()).as("the receiver owns the greeting now").isEqualTo(1);
        assertThat(channel.pipeline().get("greeting")).isNull();
        assertThat(after.reads)
                .as("the greeting went on down the pipeline as well")
                .isEmpty();
        assertThat(noTimerLeft()).isTrue();

        // Whatever the server sends next is the relay's business, no longer intercepted.
        channel.writeInbound(bytes("more"));
        assertThat(after.reads).containsExactly("more");
        channel.advanceTimeBy(TIMEOUT_MILLIS * 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void emptyBuffersAreReleasedAndAnotherReadIsRequested() {
        ByteBuf empty = bytes("");
        channel.writeInbound(empty);

        assertThat(empty.refCnt()).isZero();
        assertThat(greeting.isDone()).isFalse();
        assertThat(reads.count).isEqualTo(2);
        assertThat(channel.pipeline().get("greeting")).isNotNull();

        channel.writeInbound(packet(0, "HELLO"));
        assertThat(greeting.getNow().toString(StandardCharsets.US_ASCII)).isEqualTo("\u0005\u0000\u0000\u0000HELLO");
    }

    @Test
    void aGreetingInPiecesCompletesOnlyOnceWholeAndTheDeadlineCoversAllOfIt() {
        ByteBuf whole = packet(0, "HELLO");
        channel.writeInbound(slice(whole, 0, 2));
        channel.advanceTimeBy(TIMEOUT_MILLIS / 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.writeInbound(slice(whole, 2, 4));
        assertThat(greeting.isDone()).as("a header and one byte of five").isFalse();
        assertThat(reads.count).as("a read asked for after every piece").isEqualTo(3);

        channel.writeInbound(slice(whole, 6, 3));
        whole.release();

        assertThat(greeting.getNow().toString(StandardCharsets.US_ASCII)).isEqualTo("\u0005\u0000\u0000\u0000HELLO");
        assertThat(channel.pipeline().get("greeting")).isNull();
        assertThat(noTimerLeft()).isTrue();
    }

    @Test
    void aGreetingThatStopsHalfwayFailsAtTheDeadlineAndNothingIsKept() {
        ByteBuf whole = packet(0, "HELLO");
        // A server that trickles its greeting: one byte, then more after a while, then nothing.
        channel.writeInbound(slice(whole, 0, 1));
        channel.advanceTimeBy(TIMEOUT_MILLIS / 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.writeInbound(slice(whole, 1, 5));
        whole.release();
        channel.advanceTimeBy(TIMEOUT_MILLIS / 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(greeting.cause())
                .isInstanceOf(GreetingWait.GreetingTimeoutException.class)
                .hasMessage("greeting incomplete (6 bytes) within " + TIMEOUT_MILLIS + "ms (no greeting seen yet)");
        assertThat(ConnectFailure.of(greeting.cause()).kind()).isEqualTo(ConnectFailure.Kind.NO_GREETING);
        assertThat(channel.isOpen()).isFalse();
        assertThat(after.reads).isEmpty();
    }

    @Test
    void textFromAnotherProtocolIsNotAGreetingAndFailsAtOnce() {
        channel.writeInbound(bytes("SSH-2.0-OpenSSH_9.2\r\n"));

        assertThat(greeting.cause())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("not a MySQL greeting (first packet: ");
        assertThat(ConnectFailure.of(greeting.cause()).kind()).isEqualTo(ConnectFailure.Kind.CONNECTION);
        assertThat(channel.isOpen()).isFalse();
        assertThat(noTimerLeft()).isTrue();
    }

    @Test
    void aFirstPacketWithAnotherSequenceIdIsNotAGreeting() {
        channel.writeInbound(packet(3, "HELLO"));

        assertThat(greeting.cause()).hasMessage("not a MySQL greeting (first packet: 5 bytes, sequence 3)");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anErrPacketInPlaceOfTheGreetingIsTheServersAnswerAndGoesToTheClient() {
        ByteBuf tooMany = packet(0, "\u00ff\u0010\u0004Too many connections");
        channel.writeInbound(tooMany);

        assertThat(greeting.getNow()).isSameAs(tooMany);
    }

    @Test
    void bytesAfterTheGreetingInTheSameReadGoWithIt() {
        ByteBuf hello = packet(0, "HELLO");
        hello.writeCharSequence("more", StandardCharsets.US_ASCII);
        channel.writeInbound(hello);

        assertThat(greeting.getNow().toString(StandardCharsets.US_ASCII)).endsWith("HELLOmore");
    }

    @Test
    void aMessageThatIsNotABufferIsReleasedAndSkipped() {
        ByteBuf inside = bytes("held");
        channel.writeInbound(new DefaultByteBufHolder(inside));

        assertThat(inside.refCnt()).isZero();
        assertThat(greeting.isDone()).isFalse();
        assertThat(reads.count).isEqualTo(2);
        assertThat(after.reads).isEmpty();
    }

    @Test
    void aGreetingNobodyWaitsForAnyMoreIsReleased() {
        // The connector gave up on this connection (its own promise completed another way).
        greeting.cancel(false);
        ByteBuf hello = packet(0, "HELLO");
        channel.writeInbound(hello);
        assertThat(hello.refCnt()).isZero();
        assertThat(after.reads).isEmpty();
    }

    @Test
    void aServerThatClosesBeforeItsGreetingFailsTheWait() {
        channel.close();

        assertThat(greeting.cause()).isInstanceOf(IOException.class).hasMessage(SERVER_CLOSED);
    }

    @Test
    void theTimerIsCancelledWhenTheChannelGoesInactive() {
        // Fired by hand: closing an EmbeddedChannel cancels its scheduled tasks itself, which would hide a timer left
        // behind (on a real event loop it would hold the channel until it fired).
        channel.pipeline().fireChannelInactive();

        assertThat(greeting.cause()).hasMessage(SERVER_CLOSED);
        assertThat(noTimerLeft()).isTrue();
    }

    @Test
    void aFinBeforeTheGreetingFailsTheWaitAndClosesTheChannel() {
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(greeting.cause()).isInstanceOf(IOException.class).hasMessage(SERVER_CLOSED);
        assertThat(channel.isOpen()).isFalse();
        assertThat(after.events).as("the FIN was handled here").isEmpty();
    }

    @Test
    void otherUserEventsPassThrough() {
        Object other = new Object();
        channel.pipeline().fireUserEventTriggered(other);
        assertThat(after.events).containsExactly(other);
        assertThat(greeting.isDone()).isFalse();
    }

    @Test
    void noGreetingWithinTheTimeoutFailsTheWaitAndClosesTheChannel() {
        channel.advanceTimeBy(TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(greeting.isDone()).as("timed out early").isFalse();
        assertThat(channel.isOpen()).isTrue();

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(greeting.cause())
                .isInstanceOf(GreetingWait.GreetingTimeoutException.class)
                .hasMessage("no greeting from the server within " + TIMEOUT_MILLIS + "ms (no greeting seen yet)");
        assertThat(ConnectFailure.of(greeting.cause()).kind()).isEqualTo(ConnectFailure.Kind.NO_GREETING);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anExceptionFailsTheWaitWithItAndClosesTheChannel() {
        IOException reset = new IOException("Connection reset by peer");
        channel.pipeline().fireExceptionCaught(reset);

        assertThat(greeting.cause()).isSameAs(reset);
        assertThat(channel.isOpen()).isFalse();
    }

    private boolean noTimerLeft() {
        // The next scheduled deadline, or -1 when nothing is scheduled.
        return channel.runScheduledPendingTasks() == -1;
    }

    @Test
    void afterAMissedDeadlineTheChannelStaysToLearnHowLateTheGreetingIs() {
        GreetingClock clock = new GreetingClock(java.util.Optional.empty());
        EmbeddedChannel late = new EmbeddedChannel();
        late.freezeTime();
        late.config().setAutoRead(false);
        Promise<ByteBuf> wait = late.eventLoop().newPromise();
        late.pipeline().addLast("greeting", new GreetingWait(wait, TIMEOUT_MILLIS, 700, clock));
        late.advanceTimeBy(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        late.runScheduledPendingTasks();
        assertThat(wait.cause()).isInstanceOf(GreetingWait.GreetingTimeoutException.class);
        assertThat(late.isOpen()).as("kept to learn").isTrue();

        ByteBuf hello = bytes("hello");
        late.writeInbound(hello);
        assertThat(hello.refCnt()).isZero();
        assertThat(late.isOpen()).isFalse();
        assertThat(clock.describe()).startsWith("slowest recent greeting ");
        late.finishAndReleaseAll();
    }

    @Test
    void aGreetingThatNeverComesClosesTheChannelAtTheEndOfTheConnectTimeout() {
        EmbeddedChannel late = new EmbeddedChannel();
        late.freezeTime();
        late.config().setAutoRead(false);
        Promise<ByteBuf> wait = late.eventLoop().newPromise();
        late.pipeline()
                .addLast(
                        "greeting",
                        new GreetingWait(wait, TIMEOUT_MILLIS, 700, new GreetingClock(java.util.Optional.empty())));
        late.advanceTimeBy(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        late.runScheduledPendingTasks();
        late.advanceTimeBy(699, TimeUnit.MILLISECONDS);
        late.runScheduledPendingTasks();
        assertThat(late.isOpen()).isTrue();
        late.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        late.runScheduledPendingTasks();
        assertThat(late.isOpen()).isFalse();
        late.finishAndReleaseAll();
    }

    /** {@code text} (ISO-8859-1, so that any byte can be written) as a MySQL packet with sequence id {@code seq}. */
    private ByteBuf packet(int seq, String text) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
        buf.writeMediumLE(text.length());
        buf.writeByte(seq);
        buf.writeCharSequence(text, StandardCharsets.ISO_8859_1);
        fed.add(buf);
        return buf;
    }

    /** A copy of {@code length} bytes of {@code whole} from {@code from}: one read of a greeting in pieces. */
    private ByteBuf slice(ByteBuf whole, int from, int length) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
        buf.writeBytes(whole, from, length);
        fed.add(buf);
        return buf;
    }

    private ByteBuf bytes(String text) {
        // Pooled, so that paranoid leak detection tracks it as well.
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
        buf.writeCharSequence(text, StandardCharsets.US_ASCII);
        fed.add(buf);
        return buf;
    }

    /** Counts read requests: with auto-read off, a handler that forgets to ask would wait for good. */
    private static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }

    /** Stands where the relay will be: records what reaches it, and releases it. */
    private static final class EventRecorder extends ChannelInboundHandlerAdapter {
        final List<String> reads = new ArrayList<>();
        final List<Object> events = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            reads.add(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }
}
