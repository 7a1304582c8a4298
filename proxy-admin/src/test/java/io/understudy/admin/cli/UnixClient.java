package io.understudy.admin.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A plain JDK Unix socket client, for what socat cannot do (many at once, raw bytes, stopping mid-line). */
final class UnixClient implements AutoCloseable {
    private final SocketChannel channel;

    private UnixClient(SocketChannel channel) {
        this.channel = channel;
    }

    static UnixClient connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new UnixClient(ch);
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /**
     * Everything until the server closes. A reset after the data (the server closed with our bytes unread, which
     * AF_UNIX reports as ECONNRESET) also ends the stream.
     */
    String readToEnd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        try {
            while (channel.read(b.clear()) >= 0) {
                out.write(b.array(), 0, b.position());
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("reset")) {
                throw e;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
