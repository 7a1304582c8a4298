package io.understudy.checks.mysql;

/**
 * What the packet decoder emits instead of a packet when the byte stream cannot be framed: a length no handshake packet
 * can have (e.g. text from a non-MySQL server), or the peer closing in the middle of a packet.
 */
enum FramingError {
    INVALID_LENGTH,
    TRUNCATED
}
