package io.understudy.core.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Small random edits of seed inputs, the way coverage-guided fuzzers mutate a corpus: flipped bits, bytes set to
 * boundary values, cuts, deletions, insertions, duplicated ranges, splices of two seeds, and little-endian lengths
 * overwritten with boundary values. A mutant stays close to a real input, so it gets past the first checks of a parser
 * that pure random bytes never pass, and reaches the code behind them.
 */
public final class Mutations {
    /** Byte values that sit on a boundary somewhere: NUL, the MySQL packet markers, newline, sign bits. */
    private static final int[] BOUNDARY_BYTES = {0x00, 0x01, 0x0a, 0x0d, 0x3b, 0x5c, 0x7f, 0x80, 0xfe, 0xff};

    /** Lengths around the limits of the decoders under test (16 KiB) and of the 3-byte length field. */
    private static final int[] BOUNDARY_LENGTHS = {0, 1, 0xff, 0x100, 0x3fff, 0x4000, 0x4001, 0x4004, 0xffff, 0xffffff};

    private static final int KINDS = 8;

    /** One edit; its position and span are taken modulo the input's length when applied. */
    public record Edit(int kind, int at, int span, int value) {}

    private Mutations() {}

    /** Seeds with one to four edits each. */
    public static Arbitrary<byte[]> of(List<byte[]> seeds) {
        return Combinators.combine(
                        Arbitraries.of(seeds),
                        Arbitraries.of(seeds),
                        edits().list().ofMinSize(1).ofMaxSize(4))
                .as(Mutations::apply);
    }

    /** Random edits, biased toward small positions and spans so that they shrink toward the start of the input. */
    public static Arbitrary<Edit> edits() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, KINDS - 1),
                        Arbitraries.integers().between(0, 1 << 20),
                        Arbitraries.integers().between(0, 32),
                        Arbitraries.integers().between(0, Integer.MAX_VALUE))
                .as(Edit::new);
    }

    /** {@code seed} with {@code edits} applied in order; {@code other} is the seed spliced in by a splice edit. */
    public static byte[] apply(byte[] seed, byte[] other, List<Edit> edits) {
        byte[] b = seed.clone();
        for (Edit e : edits) {
            b = apply(b, other, e);
        }
        return b;
    }

    private static byte[] apply(byte[] b, byte[] other, Edit e) {
        int at = e.at() % (b.length + 1);
        int span = Math.min(e.span(), b.length - at);
        switch (e.kind()) {
            case 0 -> { // flip one bit
                if (at < b.length) {
                    b[at] ^= (byte) (1 << (e.value() & 7));
                }
                return b;
            }
            case 1 -> { // set one byte, to a boundary value most of the time
                if (at < b.length) {
                    int v = e.value();
                    b[at] = (byte) (v % 4 == 0 ? v >>> 8 : BOUNDARY_BYTES[(v >>> 2) % BOUNDARY_BYTES.length]);
                }
                return b;
            }
            case 2 -> { // cut
                return Arrays.copyOf(b, at);
            }
            case 3 -> { // delete a range
                return concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + span, b.length));
            }
            case 4 -> { // insert random bytes
                byte[] random = new byte[Math.max(1, e.span())];
                new Random(e.value()).nextBytes(random);
                return concat(Arrays.copyOf(b, at), random, Arrays.copyOfRange(b, at, b.length));
            }
            case 5 -> { // duplicate a range
                return concat(Arrays.copyOf(b, at + span), Arrays.copyOfRange(b, at, b.length));
            }
            case 6 -> { // splice: this input's start, the other seed's end
                int from = e.value() % (other.length + 1);
                return concat(Arrays.copyOf(b, at), Arrays.copyOfRange(other, from, other.length));
            }
            default -> { // overwrite a 3-byte little-endian length with a boundary value
                int v = BOUNDARY_LENGTHS[e.value() % BOUNDARY_LENGTHS.length];
                for (int i = 0; i < 3 && at + i < b.length; i++) {
                    b[at + i] = (byte) (v >>> (8 * i));
                }
                return b;
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
