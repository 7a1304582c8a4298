package io.understudy.core.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * How a byte stream arrives in reads: TCP keeps no message boundaries, so a decoder must give the same answer however
 * its input is cut, down to single bytes and empty reads.
 */
public final class Chunking {
    private Chunking() {}

    /** Sizes of successive reads, mostly small, sometimes empty; whatever they leave over arrives as one last read. */
    public static Arbitrary<List<Integer>> sizes() {
        return Arbitraries.frequencyOf(
                        Tuple.of(4, Arbitraries.integers().between(1, 8)),
                        Tuple.of(2, Arbitraries.integers().between(9, 64)),
                        Tuple.of(1, Arbitraries.just(0)))
                .list()
                .ofMaxSize(40);
    }

    /** {@code stream} cut into reads of {@code sizes}, then the rest as one read; together they are the stream. */
    public static List<byte[]> split(byte[] stream, List<Integer> sizes) {
        List<byte[]> chunks = new ArrayList<>();
        int off = 0;
        for (int size : sizes) {
            if (off == stream.length && size > 0) {
                break;
            }
            int n = Math.min(size, stream.length - off);
            chunks.add(Arrays.copyOfRange(stream, off, off + n));
            off += n;
        }
        if (off < stream.length) {
            chunks.add(Arrays.copyOfRange(stream, off, stream.length));
        }
        return chunks;
    }

    /** One read per byte: the finest cut. */
    public static List<byte[]> bytewise(byte[] stream) {
        List<byte[]> chunks = new ArrayList<>();
        for (byte b : stream) {
            chunks.add(new byte[] {b});
        }
        return chunks;
    }

    /**
     * One read as a buffer of its own, sized to it. An empty read is a real buffer too: the allocator's shared empty
     * buffer cannot be released, so whether a decoder released it could not be checked.
     */
    public static ByteBuf buffer(ByteBufAllocator alloc, byte[] read) {
        return alloc.heapBuffer(read.length, Math.max(1, read.length)).writeBytes(read);
    }
}
