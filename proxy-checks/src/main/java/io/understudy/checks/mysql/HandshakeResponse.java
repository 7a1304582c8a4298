package io.understudy.checks.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.understudy.core.config.CheckConfig.MySqlVariant;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Encodes the client's login packet: HandshakeResponse41 for {@code post-41}, HandshakeResponse320 with HAProxy's
 * flags for {@code pre-41}. The auth response always goes with a one-byte length (CLIENT_SECURE_CONNECTION); no
 * database, no connect attributes.
 */
final class HandshakeResponse {
    /** Max packet size announced by post-4.1 logins: 16 MiB, far more than any reply to a login. */
    static final int MAX_PACKET = 0x0100_0000;
    /** Max packet size in HAProxy's pre-4.1 login ({@code 00 00 01}); its field has only three bytes. */
    static final int MAX_PACKET_PRE_41 = 0x01_0000;
    /** utf8_general_ci, as HAProxy; the check sends no text that needs more. */
    static final int CHARSET = 0x21;

    private HandshakeResponse() {}

    /**
     * The packet, header included.
     *
     * @param plugin the plugin {@code authResponse} was computed for, named when {@code capabilities} include
     *     CLIENT_PLUGIN_AUTH
     */
    static ByteBuf encode(
            ByteBufAllocator alloc,
            int sequence,
            MySqlVariant variant,
            int capabilities,
            String user,
            byte[] authResponse,
            Optional<AuthPlugin> plugin) {
        byte[] userBytes = user.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = alloc.buffer(64 + userBytes.length + authResponse.length);
        buf.writeMediumLE(0); // length, set below
        buf.writeByte(sequence);
        if (variant == MySqlVariant.PRE_41) {
            buf.writeShortLE(capabilities);
            buf.writeMediumLE(MAX_PACKET_PRE_41);
        } else {
            buf.writeIntLE(capabilities);
            buf.writeIntLE(MAX_PACKET);
            buf.writeByte(CHARSET);
            buf.writeZero(23);
        }
        buf.writeBytes(userBytes);
        buf.writeByte(0);
        buf.writeByte(authResponse.length);
        buf.writeBytes(authResponse);
        if ((capabilities & Capabilities.CLIENT_PLUGIN_AUTH) != 0 && plugin.isPresent()) {
            buf.writeBytes(plugin.get().protocolName().getBytes(StandardCharsets.US_ASCII));
            buf.writeByte(0);
        }
        buf.setMediumLE(0, buf.readableBytes() - 4);
        return buf;
    }
}
