package io.understudy.admin.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import io.understudy.admin.command.CliMessages;
import io.understudy.admin.command.CliSession;
import io.understudy.admin.command.CommandRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection, framed as HAProxy's CLI (reference §2.3): commands run one at a time in the order received,
 * each reply followed by {@code \n} (or the {@code "\n> "} prompt in interactive mode); a non-interactive connection
 * closes as soon as it has answered everything the client sent. Commands that wait for the control plane complete
 * later; their reply is written then, back on this event loop, which never waits. All fields belong to the channel's
 * event loop and are plain.
 */
final class CliHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(CliHandler.class);

    private final CommandRegistry commands;
    private final CliLimits limits;
    private final CliFrameDecoder decoder;
    private final CliSession session;

    // Event-loop only.
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final ArrayDeque<List<String>> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> idleTimer;
    private boolean running;
    private boolean inputClosed;
    private boolean closing;
    /** When the client last sent a line or got a reply ({@link System#nanoTime()}); read by the initializer. */
    private volatile long lastActiveNanos = System.nanoTime();
    /** Whether a command is in progress; read by the initializer. */
    private volatile boolean busy;

    CliHandler(CommandRegistry commands, CliLimits limits, CliFrameDecoder decoder, CliSession session) {
        this.commands = commands;
        this.limits = limits;
        this.decoder = decoder;
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        session.attach(ctx::writeAndFlush);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        armIdleTimer();
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
        if (closing) {
            return;
        }
        lastActiveNanos = System.nanoTime();
        // Invalid UTF-8 becomes U+FFFD: it can only make a command unknown, never fail.
        lines.add(line.toString(StandardCharsets.UTF_8));
        step();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The client sent everything (socat does this after its one line): answer what is queued, then close.
            inputClosed = true;
            step();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            step();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing = true;
        cancelIdleTimer();
        lines.clear();
        queued.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            LOG.debug("admin connection {}: request line over {} bytes", ctx.channel(), limits.maxLineBytes());
            closeAfter(CliMessages.lineTooLong(limits.maxLineBytes()));
        } else if (cause instanceof IOException) {
            LOG.debug("admin connection {}: {}", ctx.channel(), cause.toString());
            closing = true;
            ctx.close();
        } else {
            LOG.warn("admin connection {}: closing after an unexpected error", ctx.channel(), cause);
            closing = true;
            ctx.close();
        }
    }

    /** Runs queued commands until one has to wait, the queue is empty, or the client stops reading. */
    private void step() {
        while (!closing && !running) {
            if (!ctx.channel().isWritable()) {
                // The client is not reading its replies: stop reading its requests until it does, and give up on it
                // after the idle timeout, as HAProxy's client timeout would.
                ctx.channel().config().setAutoRead(false);
                armIdleTimer();
                return;
            }
            List<String> args = queued.poll();
            if (args == null) {
                String line = lines.poll();
                if (line == null) {
                    if (inputClosed) {
                        closeAfter("");
                    } else {
                        ctx.channel().config().setAutoRead(true);
                        armIdleTimer();
                    }
                    return;
                }
                queued.addAll(CliRequest.parse(line));
                continue;
            }
            cancelIdleTimer();
            running = true;
            busy = true;
            CompletableFuture<String> reply = commands.execute(args, session);
            if (reply.isDone()) {
                finish(reply);
            } else {
                // Read nothing more while the command waits: requests are answered one at a time anyway, and a
                // transport that cannot half-close (NIO's domain sockets) would otherwise see the client's EOF and
                // close before the reply is written.
                ctx.channel().config().setAutoRead(false);
                reply.orTimeout(limits.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((text, failure) -> ctx.executor().execute(() -> {
                            finish(reply);
                            step();
                        }));
                return;
            }
        }
    }

    /** Writes a command's reply and what follows it, then closes if HAProxy would. */
    private void finish(CompletableFuture<String> reply) {
        running = false;
        busy = false;
        lastActiveNanos = System.nanoTime();
        if (closing) {
            return;
        }
        String text;
        try {
            text = reply.join();
        } catch (CompletionException | CancellationException e) {
            text = e.getCause() instanceof TimeoutException
                    ? CliMessages.timedOut(limits.commandTimeout().toMillis())
                    : CliMessages.INTERNAL_ERROR;
        }
        if (session.quitRequested()) {
            closeAfter(text);
            return;
        }
        write(text + endOfReply());
        boolean moreToRead = !queued.isEmpty() || !lines.isEmpty() || decoder.hasPartialLine();
        if (!session.interactive() && !moreToRead) {
            closeAfter("");
        }
    }

    /**
     * Nanoseconds this connection has waited for a request with no command in progress, or -1 when a command runs.
     * Any thread.
     */
    long idleNanos() {
        return busy ? -1 : System.nanoTime() - lastActiveNanos;
    }

    /**
     * Closes this connection with {@code message} to make room for a newer one, unless a command started meanwhile;
     * then {@code spared} runs (the connection stays, and may be chosen again later). Any thread.
     */
    void evict(String message, Runnable spared) {
        ctx.executor().execute(() -> {
            if (!running && !closing) {
                LOG.debug("admin connection {}: idle the longest at the connection limit, closing", ctx.channel());
                closeAfter(message);
            } else if (!closing) {
                spared.run();
            }
        });
    }

    /** {@code "\n"} after each reply, the prompt in interactive mode, nothing after {@code operator -}. */
    private String endOfReply() {
        boolean noLf = session.takeSuppressedLf();
        if (session.interactive()) {
            if (session.timedPrompt()) {
                long up = Math.max(0, (System.currentTimeMillis() - commands.startMillis()) / 1000);
                return String.format("\n[%d:%02d:%02d:%02d]> ", up / 86_400, (up / 3600) % 24, (up / 60) % 60, up % 60);
            }
            return "\n> ";
        }
        return noLf ? "" : "\n";
    }

    private void write(String text) {
        if (!text.isEmpty()) {
            ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), text));
        }
    }

    /** Writes {@code text} (may be empty), then closes once everything written so far has gone out. */
    private void closeAfter(String text) {
        closing = true;
        cancelIdleTimer();
        write(text);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void armIdleTimer() {
        cancelIdleTimer();
        idleTimer = ctx.executor()
                .schedule(
                        () -> {
                            if (!running && !closing) {
                                LOG.debug("admin connection {}: idle, closing", ctx.channel());
                                closing = true;
                                ctx.close();
                            }
                        },
                        limits.idleTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }
}
