package io.understudy.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Hands out loopback ports that were free a moment ago. The port is found by binding an ephemeral port and closing
 * it again, so a caller must still cope with losing the race to another process (the MariaDB fixture retries).
 */
public final class FreePorts {
    /** Recently handed-out ports: the kernel may offer the same port twice in a row before anyone binds it. */
    private static final Deque<Integer> RECENT = new ArrayDeque<>();

    private static final int RECENT_LIMIT = 64;

    private FreePorts() {}

    /** A TCP port on 127.0.0.1 that nothing was listening on when this method returned. */
    public static synchronized int find() {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = bindAndRelease();
            if (!RECENT.contains(port)) {
                RECENT.addLast(port);
                if (RECENT.size() > RECENT_LIMIT) {
                    RECENT.removeFirst();
                }
                return port;
            }
        }
        throw new IllegalStateException("the kernel kept offering recently used ports");
    }

    private static int bindAndRelease() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind an ephemeral port on loopback", e);
        }
    }
}
