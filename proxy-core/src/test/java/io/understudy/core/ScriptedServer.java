package io.understudy.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted TCP server on 127.0.0.1 for component tests: each accepted connection runs {@link Script} on its own
 * thread. Used for what a real MariaDB will not do on demand (echo, silence, closing at a chosen moment).
 */
public final class ScriptedServer implements AutoCloseable {
    /** What the server does with one connection. */
    @FunctionalInterface
    public interface Script {
        void run(Socket socket, InputStream in, OutputStream out) throws IOException;
    }

    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private ScriptedServer(Script script) throws IOException {
        listener = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        threads.execute(() -> acceptLoop(script));
    }

    public static ScriptedServer start(Script script) {
        try {
            return new ScriptedServer(script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a fixed greeting (like a MySQL server, which speaks first: {@code text} in one packet), then echoes until
     * the client closes.
     */
    public static ScriptedServer greetingEcho(String text) {
        return start((s, in, out) -> {
            greet(out, text);
            in.transferTo(out);
        });
    }

    /** Writes {@code text} as a greeting: the payload of a MySQL packet with sequence id 0. */
    public static void greet(OutputStream out, String text) throws IOException {
        out.write(packet(text));
        out.flush();
    }

    /** {@code text} framed as a MySQL packet with sequence id 0: what the proxy waits for before a session starts. */
    public static byte[] packet(String text) {
        return packet(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code payload} framed as a MySQL packet with sequence id 0. */
    public static byte[] packet(byte[] payload) {
        byte[] p = new byte[4 + payload.length];
        p[0] = (byte) payload.length;
        p[1] = (byte) (payload.length >>> 8);
        p[2] = (byte) (payload.length >>> 16);
        System.arraycopy(payload, 0, p, 4, payload.length);
        return p;
    }

    /** Reads one greeting sent by {@link #greet} (through the proxy) and returns its text. */
    public static String readGreeting(InputStream in) throws IOException {
        return new String(readPacket(in), StandardCharsets.UTF_8);
    }

    /** Reads one MySQL packet and returns its payload. */
    public static byte[] readPacket(InputStream in) throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length < 4) {
            throw new java.io.EOFException("connection closed before a whole packet (" + header.length + " bytes)");
        }
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
            throw new java.io.EOFException("connection closed in a packet (" + payload.length + " of " + length + ")");
        }
        return payload;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop(Script script) {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                accepted.incrementAndGet();
                sockets.add(s);
                threads.execute(() -> {
                    try (s) {
                        script.run(s, s.getInputStream(), s.getOutputStream());
                    } catch (SocketException e) {
                        // the proxy or the test closed it: expected
                    } catch (IOException e) {
                        // a scripted peer does not judge; the test asserts on what the client saw
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
