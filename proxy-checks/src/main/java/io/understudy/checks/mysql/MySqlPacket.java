package io.understudy.checks.mysql;

/**
 * One MySQL protocol packet as received: its sequence id and payload. Handshake packets are small, so the decoder copies
 * them out of Netty's buffers; nothing downstream holds a reference-counted buffer.
 */
record MySqlPacket(int sequence, byte[] payload) {
    /** The packet type marker: 0x00 OK, 0xff ERR, 0xfe auth switch, 0x01 auth more data, 0x0a a v10 greeting. */
    int firstByte() {
        return payload.length == 0 ? -1 : payload[0] & 0xff;
    }
}
