package io.understudy.checks.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.understudy.checks.fake.ServerPackets;
import io.understudy.testkit.LeakDetectionExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakDetectionExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MySqlPacketDecoderTest {
    @Test
    void framesPacketsSplitAnywhereAndSeveralInOneRead() {
        byte[] a = ServerPackets.frame(0, new byte[] {10, 1, 2, 3});
        byte[] b = ServerPackets.frame(1, new byte[] {0, 0, 0});
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        EmbeddedChannel ch = new EmbeddedChannel(new MySqlPacketDecoder());

        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(both, 2)));
        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(both, 2, 9)));
        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(both, 9, both.length)));

        MySqlPacket first = ch.readInbound();
        MySqlPacket second = ch.readInbound();
        assertThat(first.sequence()).isZero();
        assertThat(first.payload()).containsExactly(10, 1, 2, 3);
        assertThat(second.sequence()).isEqualTo(1);
        assertThat(second.firstByte()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void textFromAnotherServerIsAnInvalidLength() {
        EmbeddedChannel ch = new EmbeddedChannel(new MySqlPacketDecoder());

        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 400 Bad Request\r\n\r\n", StandardCharsets.US_ASCII));
        ch.writeInbound(Unpooled.copiedBuffer("more", StandardCharsets.US_ASCII));

        assertThat(next(ch)).isEqualTo(FramingError.INVALID_LENGTH);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void anEmptyPacketIsAnInvalidLength() {
        EmbeddedChannel ch = new EmbeddedChannel(new MySqlPacketDecoder());

        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0}));

        assertThat(next(ch)).isEqualTo(FramingError.INVALID_LENGTH);
        ch.finish();
    }

    @Test
    void closingInsideAPacketIsTruncated() {
        EmbeddedChannel ch = new EmbeddedChannel(new MySqlPacketDecoder());

        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {74, 0, 0, 0, 10, '1', '0'}));
        assertThat(next(ch)).isNull();
        ch.close();

        assertThat(next(ch)).isEqualTo(FramingError.TRUNCATED);
    }

    @Test
    void closingAfterAFewHeaderBytesIsTruncated() {
        EmbeddedChannel ch = new EmbeddedChannel(new MySqlPacketDecoder());

        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {74, 0}));
        ch.close();

        assertThat(next(ch)).isEqualTo(FramingError.TRUNCATED);
    }

    /** The next inbound message, typed as Object so that AssertJ compares it as one. */
    private static Object next(EmbeddedChannel ch) {
        return ch.readInbound();
    }
}
