package io.understudy.checks.fence;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A TCP forwarder that can be "cut": bytes stop flowing both ways, nothing is closed (packets dropped). */
final class Cable implements AutoCloseable {
    private final ServerSocket listen;
    private final int upstream;
    private volatile boolean cut;
    /** While true, new connections are accepted but never forwarded (a black hole). */
    private volatile boolean blackhole;
    /** While true, new connections are closed at once (refused, as a restarting server's port). */
    private volatile boolean refuse;

    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    Cable(int upstream) throws IOException {
        this.upstream = upstream;
        this.listen = new ServerSocket();
        listen.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread t = new Thread(this::acceptLoop, "cable-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listen.getLocalPort();
    }

    void cut() {
        cut = true;
    }

    void heal() {
        cut = false;
    }

    void blackhole(boolean b) {
        blackhole = b;
    }

    /** Like a server restart seen from this path: every connection closed, new ones refused until {@link #up()}. */
    void down() throws IOException {
        refuse = true;
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    void up() {
        refuse = false;
    }

    private void acceptLoop() {
        while (!listen.isClosed()) {
            try {
                Socket c = listen.accept();
                if (refuse) {
                    c.close();
                    continue;
                }
                sockets.add(c);
                if (blackhole || cut) {
                    continue; // held open, never answered
                }
                Socket u = new Socket("127.0.0.1", upstream);
                sockets.add(u);
                pump(c, u);
                pump(u, c);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[8192];
                    try (InputStream in = from.getInputStream()) {
                        OutputStream out = to.getOutputStream();
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            if (cut) {
                                continue; // dropped on the cut cable
                            }
                            out.write(buf, 0, n);
                            out.flush();
                        }
                        // EOF read while cut: the FIN is lost (the peer learns nothing until its own timeout)
                        if (!cut) {
                            to.shutdownOutput();
                        }
                    } catch (IOException e) {
                        // ignore
                    }
                },
                "cable-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listen.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
