package io.understudy.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.understudy.core.fuzz.Chunking;
import io.understudy.core.fuzz.FuzzCorpus;
import io.understudy.core.fuzz.Mutations;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes {@link CliFrameDecoder}, which cuts an admin connection's bytes into request lines. Guarded, for any bytes in
 * any reads and any line limit: the only exception is a {@link TooLongFrameException}, one per line over the limit,
 * raised as soon as the line outgrows it; every line within the limit comes out whole, stripped of its end, in order;
 * nothing is buffered beyond the limit (bytes held between lines, or once a line is over the limit, are none at all,
 * and otherwise the unfinished line's); {@link CliFrameDecoder#hasPartialLine} says whether such a line is held;
 * every buffer fed in is released; the same reads give the same answer twice. The streams of {@code fuzz/cli-stream}
 * and the lines of {@code fuzz/cli-lines} (real HAProxy admin commands) are replayed in every run.
 */
class CliFrameDecoderFuzzTest {
    private static final List<FuzzCorpus.Seed> STREAMS = FuzzCorpus.seeds("cli-stream");
    private static final List<FuzzCorpus.Seed> LINES = FuzzCorpus.lines("cli-lines");

    @Example
    void everyCorpusStreamSplitsTheSameAtOnceAndBytewise() {
        for (FuzzCorpus.Seed seed : STREAMS) {
            for (int max : new int[] {8, 64, CliLimits.defaults().maxLineBytes()}) {
                Result whole = decode(seed.bytes(), List.of(seed.bytes()), max);
                Result bytewise = decode(seed.bytes(), Chunking.bytewise(seed.bytes()), max);
                assertThat(whole)
                        .as(seed.name())
                        .isEqualTo(Model.whole(seed.bytes(), max).result());
                assertThat(bytewise).as(seed.name()).isEqualTo(whole);
            }
        }
    }

    @Example
    void everyCorpusLineComesOutAsItWent() {
        for (FuzzCorpus.Seed seed : LINES) {
            byte[] stream = new byte[seed.bytes().length + 2];
            System.arraycopy(seed.bytes(), 0, stream, 0, seed.bytes().length);
            stream[stream.length - 2] = '\r';
            stream[stream.length - 1] = '\n';
            int max = CliLimits.defaults().maxLineBytes();
            Result r = decode(stream, List.of(stream), max);
            assertThat(r).as(seed.name()).isEqualTo(Model.whole(stream, max).result());
            assertThat(r.lines).as(seed.name()).last().isEqualTo(lastLine(seed.bytes()));
        }
    }

    @Property(tries = 400)
    void anyBytesInAnyReadsGiveTheLinesWithinTheLimitAndOneErrorPerLongerLine(
            @ForAll("streams") byte[] stream, @ForAll("sizes") List<Integer> sizes, @ForAll("limits") int max) {
        List<byte[]> reads = Chunking.split(stream, sizes);

        Result result = decode(stream, reads, max);

        assertThat(decode(stream, reads, max)).as("the same reads again").isEqualTo(result);
        count("lines", result.lines().isEmpty() ? "none" : "some", "some", 10);
        count("too long", result.tooLong() > 0 ? "some" : "none", "some", 10);
    }

    @Provide
    Arbitrary<byte[]> streams() {
        List<byte[]> seeds = new ArrayList<>();
        STREAMS.forEach(s -> seeds.add(s.bytes()));
        Arbitrary<String> end = Arbitraries.of("\n", "\r\n", "\r", "", "\n\n", "\r\r\n");
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.of(LINES).map(FuzzCorpus.Seed::text),
                Arbitraries.strings().withChars("ab ;\\\t\r").ofMaxLength(70));
        Arbitrary<byte[]> lines = Combinators.combine(text, end)
                .as((t, e) -> t + e)
                .list()
                .ofMaxSize(8)
                .map(l -> String.join("", l).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(
                Tuple.of(4, lines),
                Tuple.of(3, Mutations.of(seeds)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(100)));
    }

    @Provide
    Arbitrary<List<Integer>> sizes() {
        return Chunking.sizes();
    }

    @Provide
    Arbitrary<Integer> limits() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(1, 40)),
                Tuple.of(1, Arbitraries.just(CliLimits.defaults().maxLineBytes())));
    }

    /** Feeds {@code reads} of {@code stream}, checking after each read what the decoder holds and has said. */
    private static Result decode(byte[] stream, List<byte[]> reads, int max) {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        CliFrameDecoder decoder = new CliFrameDecoder(max);
        Collector out = new Collector();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, out);
        channel.config().setAllocator(alloc);
        List<ByteBuf> fed = new ArrayList<>();
        Model model = new Model(max);
        for (byte[] read : reads) {
            ByteBuf buf = Chunking.buffer(alloc, read);
            fed.add(buf);
            // Rethrows any exception the collector let through: none may be.
            channel.writeInbound(buf);
            model.read(read);

            assertThat(out.result)
                    .as("after %s of %s bytes", model.received, stream.length)
                    .isEqualTo(model.result());
            long held = alloc.metric().usedHeapMemory();
            if (model.open == 0 || model.open > max) {
                assertThat(held)
                        .as("bytes held between lines or past the limit")
                        .isZero();
                assertThat(fed).allSatisfy(b -> assertThat(b.refCnt()).isZero());
            } else {
                assertThat(held)
                        .as("bytes held for a line of %s bytes", model.open)
                        .isPositive();
            }
            assertThat(decoder.hasPartialLine()).isEqualTo(model.open > 0 && model.open <= max);
        }
        channel.finishAndReleaseAll();
        assertThat(fed)
                .allSatisfy(b -> assertThat(b.refCnt()).as("a buffer fed in").isZero());
        assertThat(alloc.metric().usedHeapMemory())
                .as("bytes held after the close")
                .isZero();
        return out.result;
    }

    /** Counts an outcome; fails the property if its inputs reach {@code reached} in less than {@code min} % of tries. */
    private static void count(String label, Object outcome, Object reached, double min) {
        Statistics.label(label).collect(outcome);
        Statistics.label(label).coverage(c -> c.check(reached).percentage(p -> p >= min));
    }

    /** The part of a seed after its last LF, as hex: what comes out when the seed is sent with CRLF after it. */
    private static String lastLine(byte[] seed) {
        int from = 0;
        for (int i = 0; i < seed.length; i++) {
            if (seed[i] == '\n') {
                from = i + 1;
            }
        }
        return HexFormat.of().formatHex(seed, from, seed.length);
    }

    /** The lines (as hex, to compare bytes) and the count of too-long errors. */
    private record Result(List<String> lines, int tooLong) {}

    /** Stands where the CLI handler will be: keeps each line and counts too-long errors; lets anything else through. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final List<String> lines = new ArrayList<>();
        int tooLong;
        Result result = new Result(List.of(), 0);

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf line = (ByteBuf) msg;
            try {
                lines.add(HexFormat.of().formatHex(ByteBufUtil.getBytes(line)));
            } finally {
                line.release();
            }
            result = new Result(List.copyOf(lines), tooLong);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof TooLongFrameException)) {
                ctx.fireExceptionCaught(cause);
                return;
            }
            tooLong++;
            result = new Result(List.copyOf(lines), tooLong);
        }
    }

    /**
     * The documented rules applied read by read: a line ends at LF (a CR before it is dropped); a line within the limit
     * comes out; a longer one is an error, raised as soon as the bytes held for it (its CR included) pass the limit,
     * and is then skipped to its end. {@code open} is the length of the unfinished line, counting what was skipped.
     */
    private static final class Model {
        final int max;
        final List<String> lines = new ArrayList<>();
        int tooLong;
        int received;
        int open;
        boolean discarding;
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Model(int max) {
            this.max = max;
        }

        static Model whole(byte[] stream, int max) {
            Model m = new Model(max);
            m.read(stream);
            return m;
        }

        void read(byte[] read) {
            received += read.length;
            for (byte b : read) {
                if (b != '\n') {
                    open++;
                    if (!discarding) {
                        pending.write(b);
                    }
                    continue;
                }
                byte[] raw = pending.toByteArray();
                int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
                if (!discarding) {
                    if (length > max) {
                        tooLong++;
                    } else {
                        lines.add(HexFormat.of().formatHex(raw, 0, length));
                    }
                }
                discarding = false;
                pending.reset();
                open = 0;
            }
            if (!discarding && pending.size() > max) {
                discarding = true;
                tooLong++;
                pending.reset();
            }
        }

        Result result() {
            return new Result(List.copyOf(lines), tooLong);
        }
    }
}
