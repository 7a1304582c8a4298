package io.understudy.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.understudy.core.fuzz.Chunking;
import io.understudy.core.fuzz.FuzzCorpus;
import io.understudy.core.fuzz.Mutations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes {@link GreetingWait}, which holds a new server connection's first bytes until they make a whole MySQL packet.
 * Whatever a server sends, cut into whatever reads (one of which may not even be a buffer), and whether or not it then
 * closes, the wait ends in exactly one of three ways: the promise succeeded with every byte received so far, the
 * promise failed with an {@link IOException}, or it is still waiting, holding everything received (never more than a
 * header and {@link GreetingWait#MAX_GREETING_BYTES}) and having asked for the next read. Which one is decided by the
 * bytes alone, never by how they were cut, and is the same twice. After the deadline, whatever still arrives is
 * released and the channel closes. Every buffer fed in is released in the end. Time is the channel's frozen clock.
 * The seeds of {@code fuzz/greeting-wait} (a captured MariaDB greeting among them) are replayed in every run.
 */
class GreetingWaitFuzzTest {
    private static final long TIMEOUT_MILLIS = 300;
    private static final int HEADER = GreetingWait.HEADER_BYTES;
    private static final int MAX = GreetingWait.MAX_GREETING_BYTES;
    private static final List<FuzzCorpus.Seed> STREAMS = FuzzCorpus.seeds("greeting-wait");

    @Example
    void everyCorpusStreamEndsAsItsBytesSayWhetherReadAtOnceOrBytewise() {
        for (FuzzCorpus.Seed seed : STREAMS) {
            for (boolean closes : new boolean[] {false, true}) {
                Ending whole = waitOn(List.of(seed.bytes()), -1, closes);
                assertThat(whole.kind).as(seed.name()).isEqualTo(expectedKind(seed.bytes(), closes));
                assertThat(waitOn(Chunking.bytewise(seed.bytes()), -1, closes))
                        .as(seed.name() + ", one byte per read")
                        .isEqualTo(whole);
            }
        }
    }

    @Property(tries = 300)
    void anyReadsEndSucceededFailedOrWaitingWithEverythingHeld(
            @ForAll("streams") byte[] stream,
            @ForAll("sizes") List<Integer> sizes,
            @ForAll @IntRange(min = -1, max = 40) int holderAt,
            @ForAll boolean serverCloses) {
        List<byte[]> reads = Chunking.split(stream, sizes);

        Ending ending = waitOn(reads, holderAt, serverCloses);

        assertThat(ending).as("the same reads again").isEqualTo(waitOn(reads, holderAt, serverCloses));
        assertThat(ending.kind).isEqualTo(expectedKind(buffersOnly(reads, holderAt), serverCloses));
        Statistics.label("ending").collect(ending.kind);
        Statistics.label("ending").coverage(c -> {
            for (Kind kind : Kind.values()) {
                c.check(kind).percentage(p -> p >= 3);
            }
        });
    }

    @Property(tries = 200)
    void afterTheDeadlineWhatArrivesIsReleasedAndTheChannelCloses(
            @ForAll("streams") byte[] stream,
            @ForAll("sizes") List<Integer> sizes,
            @ForAll @IntRange(min = 0, max = 10) int readsBeforeDeadline,
            @ForAll boolean keptToLearn) {
        List<byte[]> reads = Chunking.split(stream, sizes);
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        Harness h = new Harness(alloc, keptToLearn ? 700 : 0);
        String happened = "no deadline";
        for (int i = 0; i < reads.size() && h.channel.isOpen(); i++) {
            if (i == readsBeforeDeadline) {
                h.channel.advanceTimeBy(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                h.channel.runScheduledPendingTasks();
                h.channel.runPendingTasks();
                happened = h.greeting.isSuccess() ? "greeted in time" : "failed in time";
                if (h.greeting.cause() instanceof GreetingWait.GreetingTimeoutException) {
                    happened = keptToLearn ? "timed out, kept open" : "timed out, closed";
                    assertThat(h.channel.isOpen()).as("kept open only to learn").isEqualTo(keptToLearn);
                    if (!keptToLearn) {
                        assertThat(alloc.metric().usedHeapMemory())
                                .as("nothing held once the wait has failed and closed")
                                .isZero();
                    }
                }
            }
            if (h.channel.isOpen()) {
                boolean lateRead = h.greeting.cause() instanceof GreetingWait.GreetingTimeoutException;
                h.feed(reads.get(i), false);
                if (lateRead) {
                    happened = "late read";
                    assertThat(h.channel.isOpen())
                            .as("closed by the first late read")
                            .isFalse();
                }
            }
        }
        h.finish();
        Statistics.label("deadline").collect(happened);
        Statistics.label("deadline").coverage(c -> c.check("late read").percentage(p -> p >= 5));
    }

    @Provide
    Arbitrary<byte[]> streams() {
        List<byte[]> seeds = STREAMS.stream().map(FuzzCorpus.Seed::bytes).toList();
        Arbitrary<Integer> length = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(1, 200)),
                Tuple.of(1, Arbitraries.of(0, MAX - 1, MAX, MAX + 1, 0xffff, 0xffffff)));
        Arbitrary<Integer> sequence = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(1, 255)));
        // A header and about as many bytes as it announces: a few less (waiting), exactly, or a few more.
        Arbitrary<byte[]> packet = Combinators.combine(
                        length, sequence, Arbitraries.integers().between(-8, 8), Arbitraries.integers())
                .as((len, seq, delta, seed) -> {
                    byte[] body = new byte[Math.max(0, Math.min(len, MAX + 8) + delta)];
                    new Random(seed).nextBytes(body);
                    return concat(
                            new byte[] {(byte) (int) len, (byte) (len >> 8), (byte) (len >> 16), (byte) (int) seq},
                            body);
                });
        return Arbitraries.frequencyOf(
                Tuple.of(4, packet),
                Tuple.of(3, Mutations.of(seeds)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(24)));
    }

    @Provide
    Arbitrary<List<Integer>> sizes() {
        return Chunking.sizes();
    }

    /** How a wait must end, from the bytes the handler was given as buffers, in order. */
    private static Kind expectedKind(byte[] received, boolean serverCloses) {
        if (received.length >= HEADER) {
            int length = (received[0] & 0xff) | (received[1] & 0xff) << 8 | (received[2] & 0xff) << 16;
            if (received[3] != 0 || length == 0 || length > MAX) {
                return Kind.NOT_A_GREETING;
            }
            if (received.length >= HEADER + length) {
                return Kind.GREETED;
            }
        }
        return serverCloses ? Kind.CLOSED : Kind.WAITING;
    }

    private static byte[] buffersOnly(List<byte[]> reads, int holderAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < reads.size(); i++) {
            if (i != holderAt) {
                out.writeBytes(reads.get(i));
            }
        }
        return out.toByteArray();
    }

    /**
     * Feeds {@code reads} to a fresh wait (read {@code holderAt} wrapped in a holder, not a buffer), optionally lets the
     * server close, and says how the wait ended, checking what must hold for that ending.
     */
    private static Ending waitOn(List<byte[]> reads, int holderAt, boolean serverCloses) {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        Harness h = new Harness(alloc, 0);
        ByteArrayOutputStream givenBeforeTheEnd = new ByteArrayOutputStream();
        ByteArrayOutputStream givenAfterwards = new ByteArrayOutputStream();
        int delivered = 0;
        for (int i = 0; i < reads.size() && h.channel.isOpen(); i++) {
            boolean done = h.greeting.isDone();
            h.feed(reads.get(i), i == holderAt);
            delivered++;
            if (i != holderAt) {
                (done ? givenAfterwards : givenBeforeTheEnd).writeBytes(reads.get(i));
            }
        }
        if (serverCloses) {
            h.channel.close();
        }
        Ending ending;
        if (h.greeting.isSuccess()) {
            byte[] greeting = ByteBufUtil.getBytes(h.greeting.getNow());
            assertThat(greeting)
                    .as("the greeting: every byte received until it was whole")
                    .isEqualTo(givenBeforeTheEnd.toByteArray());
            assertThat(h.after.bytes.toByteArray())
                    .as("what came after the greeting, passed on")
                    .isEqualTo(givenAfterwards.toByteArray());
            ending = new Ending(Kind.GREETED, greeting.length + h.after.bytes.size(), null);
        } else if (h.greeting.isDone()) {
            Throwable cause = h.greeting.cause();
            assertThat(cause).isInstanceOf(IOException.class);
            assertThat(h.after.bytes.size()).as("nothing passed on").isZero();
            // Not a greeting: decided by the header, so how much of the rest was read before the close is not told.
            boolean malformed = cause instanceof GreetingWait.MalformedGreetingException;
            ending = new Ending(
                    malformed ? Kind.NOT_A_GREETING : Kind.CLOSED,
                    malformed ? 0 : givenBeforeTheEnd.size(),
                    cause.getMessage());
        } else {
            assertThat(h.reads.count).as("a read asked for after each read").isEqualTo(1 + delivered);
            assertThat(h.after.bytes.size()).as("nothing passed on").isZero();
            int held = heldBytes(h);
            assertThat(held).as("bytes held while waiting").isEqualTo(givenBeforeTheEnd.size());
            assertThat(held).isLessThanOrEqualTo(HEADER + MAX);
            ending = new Ending(Kind.WAITING, held, null);
        }
        h.finish();
        return ending;
    }

    /** What a waiting handler holds, as its deadline failure reports it (which also ends the wait). */
    private static int heldBytes(Harness h) {
        h.channel.advanceTimeBy(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        h.channel.runScheduledPendingTasks();
        String message = h.greeting.cause().getMessage();
        if (message.startsWith("no greeting from the server within ")) {
            return 0;
        }
        assertThat(message).startsWith("greeting incomplete (");
        return Integer.parseInt(message.substring("greeting incomplete (".length(), message.indexOf(" bytes)")));
    }

    private enum Kind {
        GREETED,
        NOT_A_GREETING,
        CLOSED,
        WAITING
    }

    /** How a wait ended, with the bytes it took or held and the failure's message. */
    private record Ending(Kind kind, int bytes, String message) {}

    /** One server channel as the connector sets it up: auto-read off, a frozen clock, the wait, then the relay. */
    private static final class Harness {
        final EmbeddedChannel channel = new EmbeddedChannel();
        final Promise<ByteBuf> greeting;
        final ReadCounter reads = new ReadCounter();
        final Collector after = new Collector();
        final UnpooledByteBufAllocator alloc;
        final List<ByteBuf> fed = new ArrayList<>();

        Harness(UnpooledByteBufAllocator alloc, long lateMillis) {
            this.alloc = alloc;
            channel.freezeTime();
            channel.config().setAutoRead(false);
            channel.config().setAllocator(alloc);
            greeting = channel.eventLoop().newPromise();
            channel.pipeline().addLast("reads", reads);
            channel.pipeline()
                    .addLast(
                            "greeting",
                            new GreetingWait(
                                    greeting, TIMEOUT_MILLIS, lateMillis, new GreetingClock(Optional.empty())));
            channel.pipeline().addLast("after", after);
        }

        void feed(byte[] bytes, boolean asHolder) {
            ByteBuf buf = Chunking.buffer(alloc, bytes);
            fed.add(buf);
            // Rethrows whatever exception reached the end of the pipeline: none may.
            channel.writeInbound(asHolder ? new DefaultByteBufHolder(buf) : buf);
        }

        /** Releases the greeting, closes, and checks that nothing fed in is left alive. */
        void finish() {
            if (greeting.isSuccess()) {
                greeting.getNow().release();
            }
            channel.finishAndReleaseAll();
            assertThat(fed)
                    .allSatisfy(
                            b -> assertThat(b.refCnt()).as("a buffer fed in").isZero());
            assertThat(alloc.metric().usedHeapMemory())
                    .as("bytes held at the end")
                    .isZero();
        }
    }

    /** Counts read requests: with auto-read off, a wait that forgot to ask would wait for good. */
    private static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }

    /** Stands where the relay will be: keeps the bytes that reach it, and releases them. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                bytes.writeBytes(ByteBufUtil.getBytes(buf));
            }
            ReferenceCountUtil.release(msg);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
