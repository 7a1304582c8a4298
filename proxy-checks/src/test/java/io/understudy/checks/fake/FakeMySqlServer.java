package io.understudy.checks.fake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A scripted MySQL server on 127.0.0.1 and a free port, for what a real server will not do on demand: refuse with a
 * chosen error, talk garbage, fall silent, switch auth plugins. Each accepted connection runs the {@link Script} on its
 * own thread; when the script returns, the server keeps reading until the client closes, and records a
 * {@link Conversation}: everything the client sent and whether it left with a FIN or a reset.
 */
public final class FakeMySqlServer implements AutoCloseable {
    /** What the server does with one connection. */
    @FunctionalInterface
    public interface Script {
        void run(FakeConnection connection) throws IOException;
    }

    /** How long the server waits, after its script, for the client to close. Checks close within their timeout. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final ServerSocket listener;
    private final Script script;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-mysql");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Conversation> conversations = new CopyOnWriteArrayList<>();

    private FakeMySqlServer(Script script, int backlog) throws IOException {
        this.script = script;
        this.listener = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    public static FakeMySqlServer start(Script script) {
        try {
            return new FakeMySqlServer(script, 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** The connections that are over, in the order they ended. */
    public List<Conversation> conversations() {
        return List.copyOf(conversations);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("fake server threads did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(s);
            threads.execute(() -> serve(s));
        }
    }

    private void serve(Socket s) {
        FakeConnection c;
        try {
            c = new FakeConnection(s);
        } catch (IOException e) {
            conversations.add(new Conversation(new byte[0], Ending.ABORTED, List.of(e.toString())));
            return;
        }
        Ending ending;
        try (s) {
            script.run(c);
            if (c.ending() != null) {
                ending = c.ending();
            } else {
                ending = c.clientClosedWithin(PATIENCE) ? c.ending() : Ending.STILL_OPEN;
            }
        } catch (IOException | RuntimeException e) {
            c.note("script: " + e);
            if (c.ending() != null) {
                ending = c.ending();
            } else {
                ending = isReset(e) ? Ending.CLIENT_RST : Ending.ABORTED;
            }
        } finally {
            sockets.remove(s);
        }
        conversations.add(new Conversation(c.received(), ending, c.notes()));
    }

    private static boolean isReset(Exception e) {
        return e instanceof SocketException && String.valueOf(e.getMessage()).contains("reset");
    }
}
