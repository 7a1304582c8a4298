package io.understudy.checks.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.understudy.core.fuzz.Chunking;
import io.understudy.core.fuzz.FuzzCorpus;
import io.understudy.core.fuzz.Mutations;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
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
 * Fuzzes {@link MySqlPacketDecoder}, which frames whatever a checked server sends, MySQL or not. Guarded, for any
 * bytes cut into any reads: no exception escapes (a bad stream is a {@link FramingError} message, never a throw);
 * the messages are exactly those of the stream read whole, each as soon as its last byte arrives (so a length above
 * {@link MySqlPacketDecoder#MAX_PAYLOAD} fails when its header arrives instead of waiting for megabytes); memory held
 * stays within the largest packet allowed plus the reads, and is nil between packets and after a failure; every buffer
 * is released; the same reads give the same messages twice. The seeds of {@code fuzz/mysql-stream} and
 * {@code fuzz/mysql-packets} (a captured MariaDB greeting among them) are replayed in every run.
 */
class MySqlPacketDecoderFuzzTest {
    private static final int HEADER = 4;
    private static final int MAX = MySqlPacketDecoder.MAX_PAYLOAD;
    private static final List<FuzzCorpus.Seed> STREAMS = FuzzCorpus.seeds("mysql-stream");
    private static final List<FuzzCorpus.Seed> PAYLOADS = FuzzCorpus.seeds("mysql-packets");

    @Example
    void everyCorpusStreamFramesAsWholeWhetherReadAtOnceOrBytewise() {
        for (FuzzCorpus.Seed seed : STREAMS) {
            Model expected = Model.of(seed.bytes(), true);
            assertThat(feed(seed.bytes(), List.of(seed.bytes())).messages)
                    .as(seed.name())
                    .isEqualTo(expected.messages);
            assertThat(feed(seed.bytes(), Chunking.bytewise(seed.bytes())).messages)
                    .as(seed.name() + ", one byte per read")
                    .isEqualTo(expected.messages);
        }
    }

    @Example
    void aCorpusPayloadInAFrameIsOnePacket() {
        for (FuzzCorpus.Seed seed : PAYLOADS) {
            assertThat(feed(frame(0, seed.bytes()), List.of(frame(0, seed.bytes()))).messages)
                    .as(seed.name())
                    .containsExactly(packet(0, seed.bytes()));
        }
    }

    @Property(tries = 600)
    void anyStreamInAnyReadsFramesAsTheStreamReadWhole(
            @ForAll("streams") byte[] stream, @ForAll("sizes") List<Integer> sizes) {
        List<byte[]> chunks = Chunking.split(stream, sizes);

        Run run = feed(stream, chunks);

        assertThat(run.messages).isEqualTo(Model.of(stream, true).messages);
        assertThat(feed(stream, chunks).messages).as("the same reads again").isEqualTo(run.messages);
        String last = run.messages.isEmpty() ? "nothing" : run.messages.get(run.messages.size() - 1);
        String ending = last.startsWith("#") ? "a packet" : last;
        Statistics.label("ends with").collect(ending);
        Statistics.label("ends with").coverage(c -> {
            c.check("a packet").percentage(p -> p >= 10);
            c.check(FramingError.INVALID_LENGTH.toString()).percentage(p -> p >= 5);
            c.check(FramingError.TRUNCATED.toString()).percentage(p -> p >= 5);
        });
    }

    @Provide
    Arbitrary<byte[]> streams() {
        List<byte[]> seeds = new ArrayList<>();
        STREAMS.forEach(s -> seeds.add(s.bytes()));
        PAYLOADS.forEach(s -> seeds.add(frame(0, s.bytes())));
        Arbitrary<byte[]> segments = segment().list().ofMaxSize(8).map(MySqlPacketDecoderFuzzTest::concat);
        return Arbitraries.frequencyOf(
                Tuple.of(4, segments),
                Tuple.of(3, Mutations.of(seeds)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)));
    }

    @Provide
    Arbitrary<List<Integer>> sizes() {
        return Chunking.sizes();
    }

    /** A piece of a stream: mostly a whole packet, sometimes a header with a boundary length, or raw bytes. */
    private static Arbitrary<byte[]> segment() {
        Arbitrary<Integer> sequence = Arbitraries.integers().between(0, 255);
        Arbitrary<byte[]> packet = Combinators.combine(
                        sequence, Arbitraries.integers().between(1, 300), Arbitraries.integers())
                .as((seq, length, seed) -> frame(seq, random(length, seed)));
        Arbitrary<byte[]> corpusPacket =
                Combinators.combine(sequence, Arbitraries.of(PAYLOADS)).as((seq, p) -> frame(seq, p.bytes()));
        Arbitrary<byte[]> largest = Arbitraries.integers().map(seed -> frame(1, random(MAX, seed)));
        Arbitrary<byte[]> boundaryHeader = Combinators.combine(
                        Arbitraries.of(0, 1, MAX - 1, MAX, MAX + 1, 0xffff, 0xffffff),
                        sequence,
                        Arbitraries.integers().between(0, 16))
                .as((length, seq, extra) -> {
                    byte[] h = header(length, seq);
                    return concat(List.of(h, new byte[extra]));
                });
        return Arbitraries.frequencyOf(
                Tuple.of(8, packet),
                Tuple.of(3, corpusPacket),
                Tuple.of(2, boundaryHeader),
                Tuple.of(1, largest),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16)));
    }

    /** What the decoder says about {@code stream}, fed as {@code chunks}, checking every bound after each read. */
    private static Run feed(byte[] stream, List<byte[]> chunks) {
        // Unpooled and instrumented: its metric counts exactly the bytes of every buffer alive, merged ones included.
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel channel = new EmbeddedChannel(new MySqlPacketDecoder());
        channel.config().setAllocator(alloc);
        Run run = new Run();
        List<ByteBuf> fed = new ArrayList<>();
        int received = 0;
        int largestRead = 0;
        for (byte[] chunk : chunks) {
            ByteBuf buf = Chunking.buffer(alloc, chunk);
            fed.add(buf);
            channel.writeInbound(buf);
            received += chunk.length;
            largestRead = Math.max(largestRead, chunk.length);
            drain(channel, run);

            Model sofar = Model.of(java.util.Arrays.copyOf(stream, received), false);
            assertThat(run.messages)
                    .as("messages after %d of %d bytes: each as soon as its last byte is in", received, stream.length)
                    .isEqualTo(sofar.messages);
            long held = alloc.metric().usedHeapMemory();
            if (sofar.pending == 0) {
                assertThat(held)
                        .as("bytes held between packets or after a failure")
                        .isZero();
            } else {
                assertThat(held)
                        .as("bytes held for a packet of at most %d bytes (largest read %d)", MAX, largestRead)
                        .isLessThanOrEqualTo(2L * (HEADER + MAX + largestRead));
            }
        }
        channel.finish();
        drain(channel, run);
        channel.finishAndReleaseAll();
        assertThat(fed)
                .allSatisfy(b -> assertThat(b.refCnt()).as("a buffer fed in").isZero());
        assertThat(alloc.metric().usedHeapMemory())
                .as("bytes held after the close")
                .isZero();
        return run;
    }

    private static void drain(EmbeddedChannel channel, Run run) {
        for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
            if (msg instanceof MySqlPacket p) {
                run.messages.add(packet(p.sequence(), p.payload()));
            } else {
                assertThat(msg).isInstanceOf(FramingError.class);
                run.messages.add(msg.toString());
            }
        }
    }

    /** What the decoder emitted, as text so that payloads compare by content. */
    private static final class Run {
        final List<String> messages = new ArrayList<>();
    }

    /**
     * The framing rules applied to a whole stream: packets while the headers are sound, {@code INVALID_LENGTH} and
     * nothing more at the first length of 0 or above the limit, {@code TRUNCATED} when the stream closes inside a
     * packet. {@code pending} is what a decoder must still hold: the bytes of the unfinished packet.
     */
    private record Model(List<String> messages, int pending) {
        static Model of(byte[] s, boolean closed) {
            List<String> out = new ArrayList<>();
            int at = 0;
            while (s.length - at >= HEADER) {
                int length = (s[at] & 0xff) | (s[at + 1] & 0xff) << 8 | (s[at + 2] & 0xff) << 16;
                if (length == 0 || length > MAX) {
                    out.add(FramingError.INVALID_LENGTH.toString());
                    return new Model(out, 0);
                }
                if (s.length - at < HEADER + length) {
                    break;
                }
                out.add(packet(s[at + 3] & 0xff, java.util.Arrays.copyOfRange(s, at + HEADER, at + HEADER + length)));
                at += HEADER + length;
            }
            if (closed && at < s.length) {
                out.add(FramingError.TRUNCATED.toString());
                return new Model(out, 0);
            }
            return new Model(out, s.length - at);
        }
    }

    private static String packet(int sequence, byte[] payload) {
        return "#" + sequence + " " + HexFormat.of().formatHex(payload);
    }

    private static byte[] header(int length, int sequence) {
        return new byte[] {(byte) length, (byte) (length >> 8), (byte) (length >> 16), (byte) sequence};
    }

    private static byte[] frame(int sequence, byte[] payload) {
        return concat(List.of(header(payload.length, sequence), payload));
    }

    private static byte[] random(int length, int seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
