package io.understudy.core.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.handler.timeout.IdleStateEvent;
import io.understudy.core.TestConfigs;
import io.understudy.core.counter.TrafficCounters;
import io.understudy.core.model.Backend;
import io.understudy.core.model.Server;
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
 * {@link RelayHandler} on two embedded channels, one per side of a real {@link ProxySession}: the relay's rules
 * (counting, backpressure, half-close, closing, idle timeouts, buffer ownership) checked one event at a time, where
 * the socket-based {@code RelayTest} can only see their sum. Most tests run once per direction, since the relay is one
 * symmetric pump.
 */
class RelayHandlerEmbeddedTest {
    private final SessionRegistry registry = new SessionRegistry(new SessionLog());
    private final TrafficCounters frontendCounters = new TrafficCounters();
    private final TrafficCounters backendCounters = new TrafficCounters();
    private final Backend backend = new Backend(
            TestConfigs.listen("MySQL")
                    .server("Primary", 3306)
                    .build()
                    .listens()
                    .get(0)
                    .backend(),
            System.currentTimeMillis());
    private final Server primary = backend.server("Primary").orElseThrow();
    /** Every buffer a test fed in, checked for release once the channels are done with them. */
    private final List<ByteBuf> fed = new ArrayList<>();

    private EmbeddedSocketChannel client;
    private EmbeddedSocketChannel server;
    private ProxySession session;
    private RelayHandler[] relay;

    @BeforeEach
    void connectASession() {
        // What FrontendHandler does once the server has greeted, minus the idle handlers (tests fire idle events).
        client = new EmbeddedSocketChannel();
        server = new EmbeddedSocketChannel();
        session = registry.open("MySQL", "MySQL", client, frontendCounters, backendCounters);
        session.connected(backend.snapshot().select(Set.of()).orElseThrow(), server);
        relay = RelayHandler.pair(session, client, server);
        client.pipeline().addLast("relay", relay[0]);
        server.pipeline().addLast("relay", relay[1]);
    }

    @AfterEach
    void everyBufferIsReleased() {
        // The relay passes nothing down its pipeline: anything there would be data it failed to forward.
        assertThat(client.inboundMessages()).isEmpty();
        assertThat(server.inboundMessages()).isEmpty();
        // finishAndReleaseAll also rethrows any exception that reached the end of a pipeline unhandled.
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
        assertThat(fed).allSatisfy(b -> assertThat(b.refCnt())
                .as("a buffer the relay was given")
                .isZero());
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void bytesReadOnOneSideAreWrittenToTheOtherInOrderAndCounted(Side side) {
        from(side).writeInbound(bytes("SELECT "), bytes("1"));
        from(side).writeInbound(bytes(";"));

        assertThat(to(side).written()).isEqualTo("SELECT 1;");
        assertThat(from(side).written()).isEmpty();
        long in = side == Side.CLIENT ? 9 : 0;
        long out = side == Side.CLIENT ? 0 : 9;
        assertThat(session.bytesIn()).isEqualTo(in);
        assertThat(session.bytesOut()).isEqualTo(out);
        for (TrafficCounters c : List.of(frontendCounters, backendCounters, primary.counters())) {
            assertThat(c.bytesIn()).isEqualTo(in);
            assertThat(c.bytesOut()).isEqualTo(out);
        }
    }

    @Test
    void bothDirectionsCountSeparately() {
        client.writeInbound(bytes("ping"));
        server.writeInbound(bytes("pong!"));
        assertThat(server.written()).isEqualTo("ping");
        assertThat(client.written()).isEqualTo("pong!");
        assertThat(session.bytesIn()).isEqualTo(4);
        assertThat(session.bytesOut()).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aMessageThatIsNotABufferIsReleasedAndNotForwarded(Side side) {
        ByteBuf inside = bytes("held");
        from(side).writeInbound(new DefaultByteBufHolder(inside));
        assertThat(inside.refCnt()).isZero();
        assertThat(to(side).written()).isEmpty();
        assertThat(session.bytesIn() + session.bytesOut()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void readingStaysOnWhileThePeerHasRoom(Side side) {
        to(side).stopDraining();
        from(side).writeInbound(bytes(1024));
        assertThat(to(side).isWritable()).isTrue();
        assertThat(from(side).config().isAutoRead()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aFullPeerPausesReadingUntilItDrains(Side side) {
        to(side).stopDraining();
        from(side).writeInbound(bytes(RelayLimits.HIGH_WATER + 1));

        assertThat(to(side).isWritable()).isFalse();
        assertThat(from(side).config().isAutoRead())
                .as("reading while the peer is full")
                .isFalse();
        assertThat(session.bufferedBytes()).isGreaterThan(RelayLimits.HIGH_WATER);
        assertThat(to(side).outboundMessages()).as("nothing left Netty yet").isEmpty();

        to(side).resumeDraining();

        assertThat(from(side).config().isAutoRead())
                .as("reading once the peer drained")
                .isTrue();
        assertThat(to(side).written()).hasSize(RelayLimits.HIGH_WATER + 1);
        assertThat(session.bufferedBytes()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aFinIsPassedOnAfterTheDataBeforeItAndTheOtherDirectionKeepsFlowing(Side side) {
        to(side).stopDraining();
        from(side).writeInbound(bytes("last query"));
        from(side).receiveFin();
        assertThat(to(side).isOutputShutdown())
                .as("FIN overtook data still queued")
                .isFalse();

        to(side).resumeDraining();

        assertThat(to(side).isOutputShutdown()).isTrue();
        assertThat(to(side).written()).isEqualTo("last query");
        // Half-closed, not closed: the answer still comes back.
        to(side).writeInbound(bytes("answer"));
        assertThat(from(side).written()).isEqualTo("answer");
        assertThat(client.isOpen()).isTrue();
        assertThat(server.isOpen()).isTrue();
        assertThat(registry.size()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void theSessionEndsWhenBothDirectionsAreShutWithTheCauseOfTheFirstFin(Side first) {
        from(first).receiveFin();
        assertThat(registry.size()).isEqualTo(1);

        to(first).receiveFin();

        assertThat(client.isOpen()).isFalse();
        assertThat(server.isOpen()).isFalse();
        assertThat(registry.size()).isZero();
        assertThat(registry.endedTotal(first.closed)).isEqualTo(1);
        assertThat(session.cause()).contains(first.closed);
    }

    @Test
    void aClientFinSeenBeforeTheRelayWasInstalledIsPassedOn() {
        relay[0].inputShutBeforeRelay();
        assertThat(server.isOutputShutdown()).isTrue();

        server.receiveFin();

        assertThat(registry.endedTotal(TerminationCause.CLIENT_CLOSED)).isEqualTo(1);
        assertThat(client.isOpen()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aCloseOnOneSideClosesTheOtherWithThatSidesCause(Side side) {
        from(side).close();

        assertThat(to(side).isOpen()).isFalse();
        assertThat(registry.size()).isZero();
        assertThat(registry.endedTotal(side.closed)).isEqualTo(1);
    }

    @Test
    void aServerCloseClosesTheClientOnlyAfterDeliveringWhatTheServerSent() {
        client.stopDraining();
        server.writeInbound(bytes("goodbye"));
        server.close();
        assertThat(client.isOpen())
                .as("closed before its queued bytes were written")
                .isTrue();

        client.resumeDraining();

        assertThat(client.written()).isEqualTo("goodbye");
        assertThat(client.isOpen()).isFalse();
        assertThat(registry.endedTotal(TerminationCause.SERVER_CLOSED)).isEqualTo(1);
    }

    @Test
    void bytesFromTheClientAfterTheServerClosedAreReleased() {
        // The server is gone; the client stays open only while the server's last bytes are written to it.
        client.stopDraining();
        server.writeInbound(bytes("bye"));
        server.close();
        assertThat(client.isOpen()).isTrue();

        ByteBuf late = bytes("too late");
        client.writeInbound(late);

        assertThat(late.refCnt()).isZero();
        client.resumeDraining();
        assertThat(client.written()).isEqualTo("bye");
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void anErrorOnOneSideClosesBothAtOnceWithThatSidesErrorCause(Side side) {
        to(side).stopDraining();
        from(side).writeInbound(bytes("unsent"));

        from(side).pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        // A kill, not a close: the other side does not wait for its queue to drain.
        assertThat(client.isOpen()).isFalse();
        assertThat(server.isOpen()).isFalse();
        assertThat(registry.endedTotal(side.error)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void anUnexpectedExceptionAlsoEndsTheSession(Side side) {
        from(side).pipeline().fireExceptionCaught(new IllegalStateException("a bug somewhere"));
        assertThat(client.isOpen()).isFalse();
        assertThat(server.isOpen()).isFalse();
        assertThat(registry.endedTotal(side.error)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void anIdleSideThatIsBeingReadEndsTheSessionWithItsTimeout(Side side) {
        from(side).pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(client.isOpen()).isFalse();
        assertThat(server.isOpen()).isFalse();
        assertThat(registry.endedTotal(side.timeout)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void aSidePausedOnlyBecauseItsPeerIsSlowIsNotTheOneTimedOut(Side side) {
        to(side).stopDraining();
        from(side).writeInbound(bytes(RelayLimits.HIGH_WATER + 1));
        assertThat(from(side).config().isAutoRead()).isFalse();

        from(side).pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(registry.size()).as("the waiting side timed out").isEqualTo(1);

        // The peer, whose output is stuck, is the slow one.
        to(side).pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(registry.size()).isZero();
        assertThat(registry.endedTotal(other(side).timeout)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Side.class)
    void whenNeitherPeerReadsEitherTimeoutEndsTheSession(Side side) {
        client.stopDraining();
        server.stopDraining();
        client.writeInbound(bytes(RelayLimits.HIGH_WATER + 1));
        server.writeInbound(bytes(RelayLimits.HIGH_WATER + 1));
        assertThat(client.config().isAutoRead()).isFalse();
        assertThat(server.config().isAutoRead()).isFalse();

        from(side).pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);

        assertThat(registry.size()).isZero();
        assertThat(registry.endedTotal(side.timeout)).isEqualTo(1);
    }

    private EmbeddedSocketChannel from(Side side) {
        return side == Side.CLIENT ? client : server;
    }

    private EmbeddedSocketChannel to(Side side) {
        return from(other(side));
    }

    private static Side other(Side side) {
        return side == Side.CLIENT ? Side.SERVER : Side.CLIENT;
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
}
