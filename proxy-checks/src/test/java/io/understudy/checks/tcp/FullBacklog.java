package io.understudy.checks.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback listener that never accepts and whose accept queue is full, so that Linux drops every further SYN and a
 * connect to it times out: the closest a loopback test gets to a blackholed server (L4TOUT).
 */
final class FullBacklog implements AutoCloseable {
    private static final int MAX_FILLERS = 64;

    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    private FullBacklog(ServerSocket listener) {
        this.listener = listener;
    }

    /** A full listener, or an exception if the queue never filled (another OS, or SYN handling changed). */
    static FullBacklog open() throws IOException {
        FullBacklog b = new FullBacklog(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        try {
            for (int i = 0; i < MAX_FILLERS; i++) {
                Socket s = new Socket();
                try {
                    s.connect(b.address(), 200);
                } catch (SocketTimeoutException e) {
                    s.close();
                    return b; // the SYN was dropped: the queue is full
                }
                b.fillers.add(s);
            }
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e;
        }
        b.close();
        throw new IllegalStateException("the accept queue never filled after " + MAX_FILLERS + " connections");
    }

    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    @Override
    public void close() {
        for (Socket s : fillers) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
