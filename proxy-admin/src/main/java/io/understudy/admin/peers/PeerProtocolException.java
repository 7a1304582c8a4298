package io.understudy.admin.peers;

/** A peer message that cannot be accepted; the message says why, in an operator's words. */
final class PeerProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    PeerProtocolException(String message) {
        super(message);
    }
}
