package io.understudy.core.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.nio.charset.StandardCharsets;

/**
 * An {@link EmbeddedChannel} that behaves like a TCP socket in the two ways {@link RelayHandler} relies on: it can be
 * half-closed ({@link DuplexChannel}, which a plain EmbeddedChannel is not, so the relay would skip the FIN), and its
 * send buffer can fill up, so that flushed bytes stay queued in Netty and count against the write water mark as they do
 * on a socket whose peer stops reading. Single-threaded, like every EmbeddedChannel. Public for the frontend's tests,
 * which put one on each side of a session as well.
 */
public final class EmbeddedSocketChannel extends EmbeddedChannel implements DuplexChannel {
    private boolean inputShut;
    private boolean outputShut;
    private boolean sendBufferFull;

    /** A registered, active channel. */
    public EmbeddedSocketChannel() {
        this(true);
    }

    private EmbeddedSocketChannel(boolean register) {
        super(register, false);
        // The limits the frontend and the connector give real sockets.
        config().setWriteBufferWaterMark(RelayLimits.waterMark());
    }

    /**
     * A channel not yet registered, so that a test can set it up as an acceptor would (options, handlers) before
     * {@link #register()} fires {@code channelActive}, as a real accepted connection does.
     */
    public static EmbeddedSocketChannel unregistered() {
        return new EmbeddedSocketChannel(false);
    }

    /** From now on nothing flushed leaves Netty's outbound buffer: the remote end stopped reading. */
    public void stopDraining() {
        sendBufferFull = true;
    }

    /** The remote end reads again: everything queued is written, and writability events run. */
    public void resumeDraining() {
        sendBufferFull = false;
        flush();
        runPendingTasks();
    }

    /** The remote end sent a FIN: what a socket channel with ALLOW_HALF_CLOSURE fires. */
    public void receiveFin() {
        inputShut = true;
        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }

    /** Everything written to the remote end so far, as text; empty buffers (the relay's flush markers) are skipped. */
    public String written() {
        StringBuilder text = new StringBuilder();
        for (ByteBuf buf = readOutbound(); buf != null; buf = readOutbound()) {
            text.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return text.toString();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (!sendBufferFull) {
            super.doWrite(in);
        }
    }

    @Override
    public boolean isInputShutdown() {
        return inputShut;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        inputShut = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShut;
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        outputShut = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isShutdown() {
        return (inputShut && outputShut) || !isActive();
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        inputShut = true;
        outputShut = true;
        return promise.setSuccess();
    }
}
