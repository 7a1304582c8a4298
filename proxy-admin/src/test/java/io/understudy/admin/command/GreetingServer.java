package io.understudy.admin.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
        return io.understudy.core.ScriptedServer.packet(text);
    }

    /** Reads one greeting written by {@link #packet} and returns its text. */
    public static String readGreeting(InputStream in) throws IOException {
        return io.understudy.core.ScriptedServer.readGreeting(in);
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
