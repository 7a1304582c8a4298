package io.understudy.server.syslog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * UDP syslog through a non-blocking, unconnected datagram channel: a send never waits, and a syslog server that is
 * down (ICMP port unreachable) costs a lost datagram, not an exception on every later send.
 */
final class UdpSender implements SyslogSender {
    private final InetSocketAddress target;
    private final DatagramChannel channel;

    UdpSender(InetSocketAddress target) {
        this.target = target;
        try {
            this.channel = DatagramChannel.open();
            channel.configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a UDP socket for syslog to " + target, e);
        }
    }

    @Override
    public boolean send(byte[] datagram) {
        try {
            return channel.send(ByteBuffer.wrap(datagram), target) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing left to send on it.
        }
    }
}
