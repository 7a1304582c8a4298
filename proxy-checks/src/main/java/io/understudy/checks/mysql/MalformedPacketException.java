package io.understudy.checks.mysql;

/** A packet whose content does not follow the protocol; the check reports it as {@code L7RSP} with this message. */
final class MalformedPacketException extends Exception {
    MalformedPacketException(String message) {
        super(message, null, false, false);
    }
}
