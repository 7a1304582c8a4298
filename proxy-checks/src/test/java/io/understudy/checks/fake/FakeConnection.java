package io.understudy.checks.fake;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One accepted connection of a {@link FakeMySqlServer}, as its script sees it: blocking reads and writes of packets or
 * raw bytes, with everything the client sends recorded for the test.
 */
public final class FakeConnection {
    /** One client packet: sequence id and payload. */
    public record Packet(int sequence, byte[] payload) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private Ending ending;

    FakeConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public void writePacket(int sequence, byte[] payload) throws IOException {
        writeRaw(ServerPackets.frame(sequence, payload));
    }

    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one client packet; end-of-stream or a reset mid-packet is an exception. */
    public Packet readPacket() throws IOException {
        byte[] header = readFully(4);
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        return new Packet(header[3] & 0xff, readFully(length));
    }

    /**
     * Waits up to {@code limit} for the client to close, recording what it sends meanwhile: true (and the ending
     * recorded) if it closed, false if it is still connected.
     */
    public boolean clientClosedWithin(Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            try {
                int b = in.read();
                if (b < 0) {
                    ending = Ending.CLIENT_FIN;
                    return true;
                }
                received.write(b);
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                ending = Ending.CLIENT_RST;
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
        }
    }

    /** Sends a FIN but keeps reading, so that how the client then closes is still seen. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Resets the connection (SO_LINGER 0 then close): the client reads "Connection reset by peer". */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
        ending = Ending.ABORTED;
    }

    /** Something for the test to see, e.g. why a script refused a login. */
    public void note(String text) {
        notes.add(text);
    }

    Ending ending() {
        return ending;
    }

    byte[] received() {
        return received.toByteArray();
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    boolean closed() {
        return socket.isClosed();
    }

    private byte[] readFully(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        received.writeBytes(b);
        if (b.length < n) {
            ending = Ending.CLIENT_FIN;
            throw new EOFException("client closed after " + b.length + " of " + n + " bytes");
        }
        return b;
    }
}
