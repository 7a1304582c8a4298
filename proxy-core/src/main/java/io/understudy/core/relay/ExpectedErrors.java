package io.understudy.core.relay;

import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

/** Tells socket errors that happen in normal operation (resets, broken pipes) from ones that deserve a WARN. */
public final class ExpectedErrors {
    private ExpectedErrors() {}

    public static boolean isExpected(Throwable t) {
        if (t instanceof ClosedChannelException || t instanceof SocketException) {
            return true;
        }
        if (t instanceof IOException) {
            // Netty's native transport reports ECONNRESET / EPIPE as Errors$NativeIoException (an IOException).
            String m = String.valueOf(t.getMessage());
            return m.contains("reset") || m.contains("Broken pipe") || m.contains("Connection timed out");
        }
        return false;
    }
}
