package io.understudy.checks.mysql;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the fields of one packet payload, checking every bound: a short or garbled packet is a
 * {@link MalformedPacketException}, never an index error.
 */
final class PayloadReader {
    private final byte[] payload;
    private final String what;
    private int pos;

    PayloadReader(byte[] payload, String what) {
        this.payload = payload;
        this.what = what;
    }

    int remaining() {
        return payload.length - pos;
    }

    int u8() throws MalformedPacketException {
        need(1);
        return payload[pos++] & 0xff;
    }

    int u16() throws MalformedPacketException {
        need(2);
        int v = (payload[pos] & 0xff) | (payload[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    long u32() throws MalformedPacketException {
        need(4);
        long v = (payload[pos] & 0xffL)
                | (payload[pos + 1] & 0xffL) << 8
                | (payload[pos + 2] & 0xffL) << 16
                | (payload[pos + 3] & 0xffL) << 24;
        pos += 4;
        return v;
    }

    byte[] bytes(int n) throws MalformedPacketException {
        need(n);
        byte[] b = Arrays.copyOfRange(payload, pos, pos + n);
        pos += n;
        return b;
    }

    void skip(int n) throws MalformedPacketException {
        need(n);
        pos += n;
    }

    /** A NUL-terminated string; with {@code toEndIfUnterminated} a missing NUL ends the string at the payload's end. */
    String nulString(boolean toEndIfUnterminated) throws MalformedPacketException {
        int end = pos;
        while (end < payload.length && payload[end] != 0) {
            end++;
        }
        if (end == payload.length && !toEndIfUnterminated) {
            throw new MalformedPacketException(what + ": unterminated string");
        }
        String s = new String(payload, pos, end - pos, StandardCharsets.UTF_8);
        pos = Math.min(payload.length, end + 1);
        return s;
    }

    byte[] rest() {
        byte[] b = Arrays.copyOfRange(payload, pos, payload.length);
        pos = payload.length;
        return b;
    }

    private void need(int n) throws MalformedPacketException {
        if (n < 0 || payload.length - pos < n) {
            throw new MalformedPacketException(what + ": too short (" + payload.length + " bytes)");
        }
    }
}
