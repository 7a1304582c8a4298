package io.understudy.checks.fake;

/** How a client connection to a fake server ended, as the server saw it. */
public enum Ending {
    /** The client closed normally: the server read end-of-stream. */
    CLIENT_FIN,
    /** The client reset the connection (SO_LINGER 0, or unread data at close). */
    CLIENT_RST,
    /** The client did not close within the fake server's patience; the server gave up. */
    STILL_OPEN,
    /** The script failed or the server was closed before the client ended. */
    ABORTED
}
