package io.understudy.core.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.understudy.core.TestConfigs;
import io.understudy.core.backend.ConnectFailedException;
import io.understudy.core.backend.Connected;
import io.understudy.core.backend.ServerConnector;
import io.understudy.core.config.ListenConfig;
import io.understudy.core.model.Backend;
import io.understudy.core.model.Server;
import io.understudy.core.relay.EmbeddedSocketChannel;
import io.understudy.core.relay.RelayHandler;
import io.understudy.core.relay.RelayLimits;
import io.understudy.core.session.ProxySession;
import io.understudy.core.session.SessionLog;
import io.understudy.core.session.SessionRegistry;
import io.understudy.core.session.TerminationCause;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FrontendHandler} on an embedded client channel, with a scripted connector that completes the connect when the
 * test says: what the handler does with a greeted server connection (forward the greeting and the client's early
 * bytes, install the relay, get out of the way), with a refusal (a MySQL ERR packet, then close), and with a client
 * that leaves or misbehaves while it waits; and that the server slot and every buffer are given back on each path.
 */
class FrontendHandlerEmbeddedTest {
    private static final String GREETING = "5.5.5-10.11.6-MariaDB greeting";

    private final SessionRegistry registry = new SessionRegistry(new SessionLog());
    private final ListenConfig listen = TestConfigs.listen("MySQL")
            .server("Primary", 3306)
            .build()
            .listens()
            .get(0);
    private final Backend backend = new Backend(listen.backend(), System.currentTimeMillis());
    private final Frontend frontend = new Frontend(listen.frontend(), backend);
    private final Server primary = backend.server("Primary").orElseThrow();
    private final ScriptedConnector connector = new ScriptedConnector();
    /** Every buffer a test fed in, checked for release once the channels are done with them. */
    private final List<ByteBuf> fed = new ArrayList<>();

    private EmbeddedSocketChannel client;
    private EmbeddedSocketChannel server;

    @BeforeEach
    void acceptAClient() throws Exception {
        // As FrontendListener sets it up: auto-read off, the handler in place, then channelActive.
        client = EmbeddedSocketChannel.unregistered();
        client.config().setAutoRead(false);
        client.pipeline().addLast("frontend", new FrontendHandler(frontend, connector, registry));
        client.register();
        // As the connector hands it over: connected, greeted, not reading.
        server = new EmbeddedSocketChannel();
        server.config().setAutoRead(false);

        assertThat(connector.calls).as("connects asked for").isEqualTo(1);
        assertThat(registry.size()).isEqualTo(1);
    }

    @AfterEach
    void everythingIsGivenBack() {
        // FrontendHandler and the relay pass nothing down the pipeline: anything there was not forwarded.
        assertThat(client.inboundMessages()).isEmpty();
        assertThat(server.inboundMessages()).isEmpty();
        // finishAndReleaseAll also rethrows any exception that reached the end of a pipeline unhandled.
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
        assertThat(fed).allSatisfy(b -> assertThat(b.refCnt())
                .as("a buffer the handler was given")
                .isZero());
        // The session has ended whichever way: its slot is back exactly once, and it is counted nowhere.
        assertThat(registry.size()).isZero();
        assertThat(primary.served()).as("slots held on the server").isZero();
        assertThat(primary.counters().currentSessions()).isZero();
    }

    @Test
    void theGreetingReachesTheClientAndTheRelayTakesOver() {
        Connected connected = connector.succeed();

        assertThat(client.written()).isEqualTo(GREETING);
        assertThat(connected.greeting().refCnt())
                .as("the greeting, once written")
                .isZero();
        for (EmbeddedSocketChannel ch : List.of(client, server)) {
            assertThat(ch.pipeline().get("relay")).isInstanceOf(RelayHandler.class);
            assertThat(ch.pipeline().get("idle")).isInstanceOf(IdleStateHandler.class);
            assertThat(ch.config().isAutoRead()).as("reading %s", ch).isTrue();
        }
        assertThat(client.pipeline().get(FrontendHandler.class)).isNull();
        assertThat(connector.session.server()).contains(primary);
        assertThat(connector.session.bytesOut()).isEqualTo(GREETING.length());
        assertThat(primary.counters().currentSessions()).isEqualTo(1);
        assertThat(primary.served()).isEqualTo(1);

        // The relay pumps both ways from now on.
        client.writeInbound(bytes("SELECT 1"));
        assertThat(server.written()).isEqualTo("SELECT 1");
        server.writeInbound(bytes("1 row"));
        assertThat(client.written()).isEqualTo("1 row");
    }

    @Test
    void bytesTheClientSentBeforeTheServerWasConnectedFollowInOrder() {
        client.writeInbound(bytes("early "), bytes("bytes "));
        client.writeInbound(bytes("in order "));
        assertThat(server.outboundMessages())
                .as("sent before a server was connected")
                .isEmpty();
        assertThat(client.isOpen()).isTrue();

        connector.succeed();
        client.writeInbound(bytes("then the relay's"));

        assertThat(client.written()).isEqualTo(GREETING);
        assertThat(server.written()).isEqualTo("early bytes in order then the relay's");
        assertThat(connector.session.bytesIn()).isEqualTo("early bytes in order then the relay's".length());
    }

    @Test
    void aClientFinBeforeTheServerWasConnectedIsPassedOnAfterItsBytes() {
        client.writeInbound(bytes("COM_QUIT"));
        client.receiveFin();

        connector.succeed();

        assertThat(server.written()).isEqualTo("COM_QUIT");
        assertThat(server.isOutputShutdown()).as("the FIN reached the server").isTrue();
        assertThat(client.config().isAutoRead())
                .as("reading a client that has shut its side")
                .isFalse();
        // Half-closed, not closed: the server's answer still reaches the client, then the server's FIN ends it.
        server.writeInbound(bytes("bye"));
        assertThat(client.written()).isEqualTo(GREETING + "bye");
        assertThat(registry.size()).isEqualTo(1);
        server.receiveFin();
        assertThat(client.isOpen()).isFalse();
        assertThat(registry.endedTotal(TerminationCause.CLIENT_CLOSED)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(
            value = TerminationCause.class,
            names = {"NO_SERVER", "CONNECT_FAILED", "QUEUE_TIMEOUT"})
    void aRefusedClientGetsAMySqlErrorPacketAndIsClosed(TerminationCause cause) {
        String reason = "backend 'MySQL' refused: " + cause.label();
        connector.fail(new ConnectFailedException(cause, reason));

        assertErrorPacket("Understudy: " + reason);
        assertThat(client.isOpen()).isFalse();
        assertThat(registry.endedTotal(cause)).isEqualTo(1);
        assertThat(registry.endedTotal("MySQL", cause)).isEqualTo(1);
        assertThat(connector.session.cause()).contains(cause);
    }

    @Test
    void anUnexpectedConnectFailureIsAnInternalErrorAndStillAnswered() {
        connector.fail(new IllegalStateException("a bug in the connector"));

        assertErrorPacket("Understudy: a bug in the connector");
        assertThat(client.isOpen()).isFalse();
        assertThat(registry.endedTotal(TerminationCause.INTERNAL_ERROR)).isEqualTo(1);
    }

    @Test
    void earlyBytesOfARefusedClientAreReleased() {
        client.writeInbound(bytes("early"));
        connector.fail(new ConnectFailedException(TerminationCause.NO_SERVER, "no server"));

        assertErrorPacket("Understudy: no server");
        assertThat(fed.get(0).refCnt()).isZero();
    }

    @Test
    void aServerConnectedAfterTheClientLeftIsClosedAndItsSlotAndGreetingGivenBack() {
        client.close();
        assertThat(registry.size()).as("the session ended with its client").isZero();
        assertThat(primary.served()).isZero();

        Connected late = connector.succeed();

        assertThat(server.isOpen()).isFalse();
        assertThat(late.greeting().refCnt()).isZero();
        assertThat(late.slot().released()).isTrue();
        assertThat(primary.served()).isZero();
        assertThat(primary.counters().currentSessions())
                .as("a session that never reached the server counted on it")
                .isZero();
        assertThat(client.outboundMessages()).as("written to a gone client").isEmpty();
        assertThat(registry.endedTotal(TerminationCause.CLIENT_ABORTED_CONNECT)).isEqualTo(1);
        assertThat(connector.session.cause()).contains(TerminationCause.CLIENT_ABORTED_CONNECT);
    }

    @Test
    void aClientThatSendsTooMuchBeforeTheServerWasConnectedIsClosed() {
        int limit = RelayLimits.MAX_BUFFERED_PER_SESSION / 2;
        client.writeInbound(bytes(limit / 2), bytes(limit - limit / 2));
        assertThat(client.isOpen()).as("closed at exactly the limit").isTrue();

        client.writeInbound(bytes(1));

        assertThat(client.isOpen()).isFalse();
        assertThat(fed)
                .allSatisfy(b -> assertThat(b.refCnt()).as("an early buffer").isZero());
        assertThat(registry.endedTotal(TerminationCause.CLIENT_ERROR)).isEqualTo(1);

        // The connect that was under way still completes; the handler must clean up after it.
        Connected late = connector.succeed();
        assertThat(server.isOpen()).isFalse();
        assertThat(late.greeting().refCnt()).isZero();
        assertThat(connector.session.cause()).contains(TerminationCause.CLIENT_ERROR);
    }

    @Test
    void aClientErrorBeforeTheServerWasConnectedEndsTheSession() {
        client.writeInbound(bytes("early"));
        client.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertThat(client.isOpen()).isFalse();
        assertThat(fed.get(0).refCnt()).isZero();
        assertThat(registry.endedTotal(TerminationCause.CLIENT_ERROR)).isEqualTo(1);

        connector.succeed();
        assertThat(server.isOpen()).isFalse();
    }

    @Test
    void aMessageThatIsNotABufferIsReleasedAndNotForwarded() {
        ByteBuf inside = bytes("held");
        client.writeInbound(new DefaultByteBufHolder(inside));
        assertThat(inside.refCnt()).isZero();

        connector.succeed();

        assertThat(server.written()).isEmpty();
        assertThat(connector.session.bytesIn()).isZero();
    }

    @Test
    void theSlotIsGivenBackOnceWhenTheClientCloses() {
        connector.succeed();
        client.writeInbound(bytes("COM_QUIT"));

        client.close();

        assertThat(primary.served()).isZero();
        assertThat(primary.counters().currentSessions()).isZero();
        assertThat(server.isOpen()).isFalse();
        assertThat(registry.endedTotal(TerminationCause.CLIENT_CLOSED)).isEqualTo(1);
        assertThat(server.written()).isEqualTo("COM_QUIT");
        assertThat(client.written()).isEqualTo(GREETING);
    }

    @Test
    void theSlotIsGivenBackOnceWhenTheServerCloses() {
        connector.succeed();

        server.close();

        assertThat(client.isOpen()).isFalse();
        assertThat(primary.served()).isZero();
        assertThat(registry.endedTotal(TerminationCause.SERVER_CLOSED)).isEqualTo(1);
        assertThat(client.written()).isEqualTo(GREETING);
    }

    /** Reads the one packet the refused client was sent (ignoring the empty flush marker) and checks it. */
    private void assertErrorPacket(String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        ByteBuf packet = client.readOutbound();
        try {
            assertThat(packet.readableBytes()).as("bytes of the ERR packet").isEqualTo(4 + 3 + text.length);
            assertThat(packet.readUnsignedMediumLE()).as("payload length").isEqualTo(3 + text.length);
            assertThat(packet.readUnsignedByte()).as("sequence id").isZero();
            assertThat(packet.readUnsignedByte()).as("ERR marker").isEqualTo((short) 0xff);
            assertThat(packet.readUnsignedShortLE()).as("errno").isEqualTo(1105);
            assertThat(packet.toString(StandardCharsets.UTF_8)).isEqualTo(message);
        } finally {
            packet.release();
        }
        assertThat(client.written()).as("after the ERR packet").isEmpty();
    }

    /** A pooled buffer, so that paranoid leak detection tracks it, and the test checks its release directly too. */
    private ByteBuf bytes(String text) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
        buf.writeCharSequence(text, StandardCharsets.ISO_8859_1);
        fed.add(buf);
        return buf;
    }

    private ByteBuf bytes(int size) {
        return bytes("x".repeat(size));
    }

    /** Hands out a pending connect and completes it only when the test says; one connect per session. */
    private final class ScriptedConnector implements ServerConnector {
        int calls;
        ProxySession session;
        Promise<Connected> promise;

        @Override
        public Future<Connected> connect(ProxySession s) {
            calls++;
            session = s;
            promise = s.eventLoop().newPromise();
            return promise;
        }

        /** The server greeted: completes the connect with a slot on Primary, the server channel and its greeting. */
        Connected succeed() {
            Connected connected =
                    new Connected(backend.snapshot().select(Set.of()).orElseThrow(), server, bytes(GREETING));
            promise.setSuccess(connected);
            settle();
            return connected;
        }

        void fail(Throwable cause) {
            promise.setFailure(cause);
            settle();
        }

        private void settle() {
            client.runPendingTasks();
            server.runPendingTasks();
        }
    }
}
