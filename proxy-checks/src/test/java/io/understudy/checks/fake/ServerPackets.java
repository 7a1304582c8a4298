package io.understudy.checks.fake;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Payloads a MySQL server sends during a login, built byte by byte as the protocol documentation describes them. */
public final class ServerPackets {
    public static final int CLIENT_PROTOCOL_41 = 0x200;
    public static final int CLIENT_SECURE_CONNECTION = 0x8000;
    public static final int CLIENT_PLUGIN_AUTH = 0x80000;
    /** What a MariaDB 10.11 or MySQL 8 server offers, as far as a login cares. */
    public static final int MODERN_CAPABILITIES = 0xf7fe | CLIENT_PLUGIN_AUTH | 0x00200000;

    private ServerPackets() {}

    /** A protocol v10 greeting; {@code salt} must be 20 bytes. */
    public static byte[] greeting(String version, byte[] salt, String plugin, int capabilities) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(10);
        b.writeBytes(version.getBytes(StandardCharsets.UTF_8));
        b.write(0);
        b.writeBytes(new byte[] {42, 0, 0, 0}); // connection id
        b.write(salt, 0, 8);
        b.write(0);
        b.write(capabilities & 0xff);
        b.write((capabilities >> 8) & 0xff);
        b.write(0x2d); // utf8mb4_general_ci
        b.writeBytes(new byte[] {2, 0}); // status: autocommit
        b.write((capabilities >> 16) & 0xff);
        b.write((capabilities >> 24) & 0xff);
        b.write(21); // auth plugin data length
        b.writeBytes(new byte[10]);
        b.write(salt, 8, 12);
        b.write(0);
        if ((capabilities & CLIENT_PLUGIN_AUTH) != 0) {
            b.writeBytes(plugin.getBytes(StandardCharsets.US_ASCII));
            b.write(0);
        }
        return b.toByteArray();
    }

    public static byte[] ok() {
        return new byte[] {0, 0, 0, 2, 0, 0, 0};
    }

    /** An ERR packet; {@code text} includes the {@code #SQLSTATE} marker when one is wanted. */
    public static byte[] err(int errno, String text) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xff);
        b.write(errno & 0xff);
        b.write((errno >> 8) & 0xff);
        b.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    public static byte[] authSwitch(String plugin, byte[] salt) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xfe);
        b.writeBytes(plugin.getBytes(StandardCharsets.US_ASCII));
        b.write(0);
        b.writeBytes(salt);
        b.write(0);
        return b.toByteArray();
    }

    /** caching_sha2_password's AuthMoreData: {@code 0x01} then {@code data}. */
    public static byte[] authMoreData(byte... data) {
        byte[] p = new byte[data.length + 1];
        p[0] = 1;
        System.arraycopy(data, 0, p, 1, data.length);
        return p;
    }

    /** The packet header and payload as they go on the wire. */
    public static byte[] frame(int sequence, byte[] payload) {
        byte[] f = new byte[payload.length + 4];
        f[0] = (byte) payload.length;
        f[1] = (byte) (payload.length >> 8);
        f[2] = (byte) (payload.length >> 16);
        f[3] = (byte) sequence;
        System.arraycopy(payload, 0, f, 4, payload.length);
        return f;
    }
}
