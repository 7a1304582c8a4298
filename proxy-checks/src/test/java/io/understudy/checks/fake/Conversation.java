package io.understudy.checks.fake;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * What a fake server saw on one connection, recorded once the connection is over.
 *
 * @param received every byte the client sent, in order
 * @param ending how the client left
 * @param notes what the script wanted to report, e.g. a scramble it could not verify
 */
public record Conversation(byte[] received, Ending ending, List<String> notes) {
    private static final byte[] COM_QUIT = {1, 0, 0, 0, 1};

    /** Whether the last thing the client sent was {@code COM_QUIT} ({@code 01 00 00 00 01}). */
    public boolean endsWithComQuit() {
        return received.length >= COM_QUIT.length
                && Arrays.equals(
                        received, received.length - COM_QUIT.length, received.length, COM_QUIT, 0, COM_QUIT.length);
    }

    /** Whether {@code COM_QUIT} appears anywhere, i.e. was sent at all. */
    public boolean sentComQuit() {
        for (int i = 0; i + COM_QUIT.length <= received.length; i++) {
            if (Arrays.equals(received, i, i + COM_QUIT.length, COM_QUIT, 0, COM_QUIT.length)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Conversation[" + ending + ", received "
                + HexFormat.ofDelimiter(" ").formatHex(received) + ", notes " + notes + "]";
    }
}
