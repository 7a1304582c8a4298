package io.understudy.checks.mysql;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.understudy.checks.CheckResult;
import io.understudy.checks.CheckStatus;
import io.understudy.checks.tcp.CheckRun;
import io.understudy.core.backend.ConnectFailure;
import io.understudy.core.backend.GreetingClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the conversation of one MySQL check on its channel: wait for the greeting, send the login, answer auth
 * switches and caching_sha2_password's requests, and turn the outcome into a {@link CheckResult}. A successful login
 * is ended with {@code COM_QUIT} before the FIN, so the server logs a normal disconnect rather than an aborted
 * connection; after an ERR the server closes anyway, so the check just closes.
 *
 * <p>All fields are owned by the channel's event loop: the check starts, times out and reads on that loop only.
 */
final class MySqlCheckHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(MySqlCheckHandler.class);

    /** HAProxy's text for a reply that ends early or cannot be framed; admins grep for it. */
    static final String TRUNCATED = "invalid length or truncated response";
    /** ER_NOT_SUPPORTED_AUTH_MODE, what MySQL itself reports when client and account share no auth plugin. */
    static final int ER_NOT_SUPPORTED_AUTH_MODE = 1251;

    private static final int OK = 0x00;
    private static final int AUTH_MORE_DATA = 0x01;
    private static final int FAST_AUTH_SUCCESS = 0x03;
    private static final int FULL_AUTH_NEEDED = 0x04;
    private static final byte REQUEST_PUBLIC_KEY = 0x02;

    private enum Phase {
        CONNECTING,
        GREETING,
        LOGIN_REPLY,
        PUBLIC_KEY,
        DONE
    }

    private final Login login;
    private final CheckRun run;
    private final InetSocketAddress target;
    private final GreetingClock greetings;
    private final Duration timeout;

    private Channel channel;
    private ScheduledFuture<?> greetingTimer;
    private long activeNanos;
    private Phase phase = Phase.CONNECTING;
    /** The sequence id of the next packet, in either direction. */
    private int sequence;

    private Greeting greeting;
    private AuthPlugin plugin;
    private byte[] salt;
    private boolean switched;
    private boolean passwordEncrypted;

    MySqlCheckHandler(Login login, CheckRun run, InetSocketAddress target, GreetingClock greetings, Duration timeout) {
        this.login = login;
        this.run = run;
        this.target = target;
        this.greetings = greetings;
        this.timeout = timeout;
    }

    /** The channel being connected; set before anything can call back. */
    void attach(Channel ch) {
        this.channel = ch;
    }

    void connectFailed(Throwable cause) {
        finish(CheckResult.connectFailed(cause, run.elapsedMillis()), false);
    }

    void timedOut() {
        CheckResult result =
                switch (phase) {
                    case CONNECTING -> CheckResult.of(CheckStatus.L4TOUT, "connect timeout", run.elapsedMillis());
                    case GREETING -> CheckResult.of(
                            CheckStatus.L7TOUT, "timeout waiting for the server greeting", run.elapsedMillis());
                    default -> CheckResult.of(
                            CheckStatus.L7TOUT, "timeout waiting for the login reply", run.elapsedMillis());
                };
        finish(result, false);
    }

    /**
     * Connected, and no greeting within the server's greeting deadline: a frozen server, said in a second. If a late
     * greeting on another connection raised the deadline meanwhile (a server that became slow, not frozen), the check
     * waits that much longer instead, within its timeout.
     */
    private void noGreeting(ChannelHandlerContext ctx, long deadlineMillis) {
        if (phase != Phase.GREETING) {
            return;
        }
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - activeNanos);
        long now = greetings.deadlineMillis(waited + Math.max(0, timeout.toMillis() - run.elapsedMillis()));
        if (now > waited + 1) {
            greetingTimer = ctx.executor().schedule(() -> noGreeting(ctx, now), now - waited, TimeUnit.MILLISECONDS);
            return;
        }
        fail(CheckStatus.L7TOUT, "no greeting within " + deadlineMillis + "ms (" + greetings.describe() + ")");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (phase == Phase.CONNECTING) {
            phase = Phase.GREETING;
            activeNanos = System.nanoTime();
            long left = timeout.toMillis() - run.elapsedMillis();
            long deadline = greetings.deadlineMillis(left);
            if (deadline < left) {
                greetingTimer =
                        ctx.executor().schedule(() -> noGreeting(ctx, deadline), deadline, TimeUnit.MILLISECONDS);
            }
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.DONE) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof FramingError) {
            fail(CheckStatus.L7RSP, TRUNCATED);
        } else if (msg instanceof MySqlPacket packet) {
            try {
                onPacket(ctx, packet);
            } catch (MalformedPacketException e) {
                fail(CheckStatus.L7RSP, e.getMessage());
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The server closed before the conversation ended: HAProxy's "truncated" too, whatever was received.
        fail(CheckStatus.L7RSP, TRUNCATED);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An I/O error on an established connection, e.g. a reset: HAProxy's "Socket error".
        log.debug("mysql check {}: socket error", target, cause);
        fail(CheckStatus.SOCKERR, ConnectFailure.of(cause).message());
    }

    private void onPacket(ChannelHandlerContext ctx, MySqlPacket p) throws MalformedPacketException {
        if (p.firstByte() == ErrPacket.MARKER && phase != Phase.GREETING && p.sequence() == ((sequence - 1) & 0xff)) {
            // The server's answer to what preceded our login, not to the login: MariaDB refusing the PROXY protocol
            // header of a send-proxy server (1130 "Proxy header is not accepted from ..."), read with the greeting.
            ErrPacket err = ErrPacket.parse(p.payload());
            finish(CheckResult.withCode(CheckStatus.L7STS, err.errno(), err.message(), run.elapsedMillis()), false);
            return;
        }
        if (p.sequence() != (sequence & 0xff)) {
            throw new MalformedPacketException(
                    "packet out of order (sequence " + p.sequence() + ", expected " + (sequence & 0xff) + ")");
        }
        sequence++;
        if (p.firstByte() == ErrPacket.MARKER) {
            // Before the greeting (1129 host blocked, 1040 too many connections) or as the login's answer.
            ErrPacket err = ErrPacket.parse(p.payload());
            finish(CheckResult.withCode(CheckStatus.L7STS, err.errno(), err.message(), run.elapsedMillis()), false);
            return;
        }
        switch (phase) {
            case GREETING -> onGreeting(ctx, p);
            case LOGIN_REPLY -> onLoginReply(ctx, p);
            case PUBLIC_KEY -> onPublicKey(ctx, p);
            default -> throw new MalformedPacketException("unexpected packet before connect");
        }
    }

    private void onGreeting(ChannelHandlerContext ctx, MySqlPacket p) throws MalformedPacketException {
        if (greetingTimer != null) {
            greetingTimer.cancel(false);
        }
        greetings.record(System.nanoTime() - activeNanos);
        greeting = Greeting.parse(p.payload());
        // Log in with the server's default plugin when we know it, saving an auth switch round trip; otherwise with
        // mysql_native_password, and the server switches us if the account needs another plugin.
        plugin = greeting.authPlugin().flatMap(AuthPlugin::byName).orElse(AuthPlugin.MYSQL_NATIVE_PASSWORD);
        salt = greeting.salt();
        int capabilities = Capabilities.client(login.variant(), greeting.capabilities());
        ctx.writeAndFlush(HandshakeResponse.encode(
                        ctx.alloc(),
                        sequence++,
                        login.variant(),
                        capabilities,
                        login.user(),
                        plugin.scramble(login.password(), salt),
                        Optional.of(plugin)))
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        phase = Phase.LOGIN_REPLY;
    }

    private void onLoginReply(ChannelHandlerContext ctx, MySqlPacket p) throws MalformedPacketException {
        switch (p.firstByte()) {
            case OK -> finish(
                    CheckResult.withCode(CheckStatus.L7OK, 0, greeting.serverVersion(), run.elapsedMillis()), true);
            case AuthSwitchRequest.MARKER -> onAuthSwitch(ctx, p);
            case AUTH_MORE_DATA -> onAuthMoreData(ctx, p);
            default -> throw new MalformedPacketException(
                    String.format("unexpected reply to the login (first byte 0x%02x)", p.firstByte()));
        }
    }

    private void onAuthSwitch(ChannelHandlerContext ctx, MySqlPacket p) throws MalformedPacketException {
        if (switched) {
            throw new MalformedPacketException("the server asked twice to switch the auth plugin");
        }
        switched = true;
        AuthSwitchRequest request = AuthSwitchRequest.parse(p.payload(), salt);
        Optional<AuthPlugin> next = AuthPlugin.byName(request.plugin());
        if (next.isEmpty()) {
            finish(
                    CheckResult.withCode(
                            CheckStatus.L7STS,
                            ER_NOT_SUPPORTED_AUTH_MODE,
                            "the check does not support the auth plugin '" + request.plugin()
                                    + "' the server asked for",
                            run.elapsedMillis()),
                    false);
            return;
        }
        plugin = next.get();
        salt = request.salt();
        write(ctx, plugin.scramble(login.password(), salt));
    }

    private void onAuthMoreData(ChannelHandlerContext ctx, MySqlPacket p) throws MalformedPacketException {
        byte[] data = p.payload();
        if (plugin != AuthPlugin.CACHING_SHA2_PASSWORD || data.length != 2) {
            throw new MalformedPacketException("unexpected auth data from the server");
        }
        if (data[1] == FAST_AUTH_SUCCESS) {
            return; // the OK follows
        }
        if (data[1] != FULL_AUTH_NEEDED || passwordEncrypted) {
            throw new MalformedPacketException("unexpected caching_sha2_password state " + data[1]);
        }
        // The server has no cached hash for the account (first login since a restart or FLUSH PRIVILEGES). Without
        // TLS the password may only travel RSA-encrypted, with the key the server sends on request.
        write(ctx, new byte[] {REQUEST_PUBLIC_KEY});
        phase = Phase.PUBLIC_KEY;
    }

    private void onPublicKey(ChannelHandlerContext ctx, MySqlPacket p) throws MalformedPacketException {
        if (p.firstByte() != AUTH_MORE_DATA) {
            throw new MalformedPacketException(
                    String.format("unexpected reply to the public key request (first byte 0x%02x)", p.firstByte()));
        }
        byte[] payload = p.payload();
        byte[] pem = Arrays.copyOfRange(payload, 1, payload.length);
        write(ctx, RsaPasswordEncryption.encrypt(login.password(), salt, pem));
        passwordEncrypted = true;
        phase = Phase.LOGIN_REPLY;
    }

    private void write(ChannelHandlerContext ctx, byte[] payload) {
        // A failed write (e.g. "Broken pipe") reaches exceptionCaught and becomes SOCKERR with the OS words.
        ctx.writeAndFlush(Packets.frame(ctx.alloc(), sequence++ & 0xff, payload))
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    private void fail(CheckStatus status, String info) {
        finish(CheckResult.of(status, info, run.elapsedMillis()), false);
    }

    private void finish(CheckResult result, boolean quit) {
        if (!run.decide()) {
            return;
        }
        phase = Phase.DONE;
        if (greetingTimer != null) {
            greetingTimer.cancel(false);
        }
        log.debug("mysql check {} as {}: {}", target, login, result.describe());
        if (quit && channel.isActive()) {
            // Logged in: say goodbye so the server ends the session normally, then FIN.
            channel.writeAndFlush(Packets.quit(channel.alloc()))
                    .addListener(f -> run.closeThenComplete(channel, result));
        } else {
            run.closeThenComplete(channel, result);
        }
    }
}
