package io.understudy.admin.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in MySQL server for admin tests: greets every connection (the proxy counts a connection once the server
 * speaks) and then reads until the proxy closes, so that sessions stay open while the admin socket looks at them.
 */
public final class GreetingServer implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private GreetingServer(String greeting) throws IOException {
        listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> acceptLoop(greeting), "greeting-server-" + listener.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    public static GreetingServer start(String greeting) {
        try {
            return new GreetingServer(greeting);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} framed as a MySQL packet with sequence id 0: the proxy waits for a whole one. */
    public static byte[] packet(String text) {
        byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
        byte[] p = new byte[4 + payload.length];
        p[0] = (byte) payload.length;
        p[1] = (byte) (payload.length >>> 8);
        p[2] = (byte) (payload.length >>> 16);
        System.arraycopy(payload, 0, p, 4, payload.length);
        return p;
    }

    /** Reads one greeting written by {@link #packet} and returns its text. */
    public static String readGreeting(InputStream in) throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length < 4) {
            throw new java.io.EOFException("connection closed before a greeting");
        }
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop(String greeting) {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                accepted.add(s);
                Thread t = new Thread(() -> serve(s, greeting), "greeting-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket s, String greeting) {
        try (s;
                InputStream in = s.getInputStream()) {
            s.getOutputStream().write(packet(greeting));
            s.getOutputStream().flush();
            in.transferTo(OutputSink.INSTANCE);
        } catch (IOException e) {
            // closed by the proxy or by close()
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    /** Discards what it is given. */
    private static final class OutputSink extends java.io.OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
