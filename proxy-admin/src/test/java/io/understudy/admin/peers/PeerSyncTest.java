package io.understudy.admin.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufUtil;
import io.understudy.core.Commands;
import io.understudy.core.ProxyEngine;
import io.understudy.core.TestConfigs;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.PeersConfig;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.model.AdminFlag;
import io.understudy.core.model.AdminMode;
import io.understudy.core.model.AdminState;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.Origin;
import io.understudy.core.model.PairRole;
import io.understudy.core.model.Server;
import io.understudy.testkit.FreePorts;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two proxies' control planes joined by the real peer link on loopback (no MariaDB: the tests submit check outcomes
 * and operator commands themselves): decisions travel both ways, a follower never exports its own failover, and what
 * is not signed with the secret, too large or replayed changes nothing.
 */
@Timeout(60)
class PeerSyncTest {
    static final String SECRET = "a-pair-secret-of-some-length";

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** One proxy of the pair: engine (not bound) plus its peer link. */
    record Node(ProxyEngine engine, PeerSync sync) {
        Server server(String id) {
            return engine.control().server(id).orElseThrow();
        }

        AdminState state() {
            return engine.control().adminState();
        }

        void role(PairRole r) {
            Commands.submit(engine.control(), new ControlCommand.SetPairRole(r, Origin.CLI));
        }
    }

    private static HostPort loopback(int port) {
        return new HostPort("127.0.0.1", port, new InetSocketAddress("127.0.0.1", port));
    }

    private static ProxyConfig config(FailoverPolicy.Failback failback, PeersConfig peers) {
        return TestConfigs.listen("MySQL")
                .checked()
                .failover(new FailoverPolicy(failback, true, true))
                .server("Primary", 1)
                .backup("Secondary", 2)
                .peers(peers)
                .build();
    }

    private final int portA = FreePorts.find();
    private final int portB = FreePorts.find();

    private PeersConfig peers(String local, String secret, Duration syncTimeout) {
        Map<String, HostPort> members = new LinkedHashMap<>();
        members.put("lbA", loopback(portA));
        members.put("lbB", loopback(portB));
        return new PeersConfig(local, members, secret, Duration.ofMillis(200), syncTimeout, 4096, false);
    }

    private Node start(String local, FailoverPolicy.Failback failback, String secret, Duration syncTimeout)
            throws Exception {
        PeersConfig peers = peers(local, secret, syncTimeout);
        ProxyEngine e = new ProxyEngine(config(failback, peers));
        open.add(e);
        PeerSync s = new PeerSync(peers, e.control(), e.transport());
        open.add(s);
        s.start();
        return new Node(e, s);
    }

    /** lbA (MASTER) and lbB (BACKUP), manual failback, both caught up with each other. */
    private Node[] manualPair() throws Exception {
        Node a = start("lbA", FailoverPolicy.Failback.MANUAL);
        Node b = start("lbB", FailoverPolicy.Failback.MANUAL);
        a.role(PairRole.MASTER);
        b.role(PairRole.BACKUP);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.sync().ready() && b.sync().ready());
        return new Node[] {a, b};
    }

    private Node start(String local, FailoverPolicy.Failback failback) throws Exception {
        return start(local, failback, SECRET, Duration.ofSeconds(10));
    }

    @Test
    void operatorDecisionsTravelBothWaysWithinOneSecond() throws Exception {
        Node a = start("lbA", FailoverPolicy.Failback.AUTO);
        Node b = start("lbB", FailoverPolicy.Failback.AUTO);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.sync().ready() && b.sync().ready());
        assertThat(a.sync().readiness()).startsWith("caught up with peer lbB");

        Commands.mode(a.engine().control(), a.server("MySQL/Primary"), AdminMode.MAINT, "disable server");
        await().atMost(Duration.ofSeconds(1))
                .until(() -> b.server("MySQL/Primary").state().admin().contains(AdminFlag.FMAINT));
        assertThat(b.state().epoch()).isEqualTo(new AdminState.Epoch(1, "lbA"));

        Commands.mode(b.engine().control(), b.server("MySQL/Primary"), AdminMode.READY, "enable server");
        await().atMost(Duration.ofSeconds(1))
                .until(() -> a.server("MySQL/Primary").state().admin().isEmpty());
        assertThat(a.state().epoch()).isEqualTo(new AdminState.Epoch(2, "lbB"));
        assertThat(a.state().sameDecisions(b.state())).isTrue();
        assertThat(a.sync().views().get(0).status()).isEqualTo("ESTA");
    }

    @Test
    void theDecidersFailoverIsSharedAndAFollowersOwnIsNot() throws Exception {
        Node[] pair = manualPair();
        Node a = pair[0];
        Node b = pair[1];

        // The follower's own checks see Primary down: it must not move the pair, and goes back to the decider's state.
        Commands.down(b.engine().control(), b.server("MySQL/Primary"));
        await().atMost(Duration.ofSeconds(2))
                .until(() -> b.state().backends().isEmpty()
                        && b.engine().backends().get(0).snapshot().pinned().isEmpty());
        // Only once the decider has heard from the follower since then does "not adopted" mean anything.
        long since = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(2))
                .until(() -> a.sync().views().get(0).lastSyncMillis().orElse(0L) > since);
        assertThat(a.state().backends()).isEmpty();
        Commands.up(b.engine().control(), b.server("MySQL/Primary"));

        // The decider's failover to the backup is the pair's: the follower pins the same server.
        Commands.down(a.engine().control(), a.server("MySQL/Primary"));
        assertThat(a.state().backend("MySQL"))
                .map(AdminState.BackendAdmin::activeServer)
                .contains("Secondary");
        await().atMost(Duration.ofSeconds(1)).until(() -> b.engine()
                .backends()
                .get(0)
                .snapshot()
                .pinned()
                .map(Server::name)
                .equals(Optional.of("Secondary")));
        // Primary returns on the decider: manual failback keeps both on Secondary.
        Commands.up(a.engine().control(), a.server("MySQL/Primary"));
        assertThat(a.engine().backends().get(0).snapshot().pinned().map(Server::name))
                .contains("Secondary");
        assertThat(b.state().sameDecisions(a.state())).isTrue();

        // The follower takes over (keepalived made it MASTER): it keeps the decider's choice and numbers it.
        b.role(PairRole.MASTER);
        a.role(PairRole.BACKUP);
        assertThat(b.engine().backends().get(0).snapshot().pinned().map(Server::name))
                .contains("Secondary");
        await().atMost(Duration.ofSeconds(1))
                .until(() -> a.state().epoch().equals(b.state().epoch()));
        assertThat(b.state().epoch().by()).isEqualTo("lbB");
    }

    @Test
    void aWrongSecretIsRefusedAndLoggedAndBothServeAlone() throws Exception {
        Node a = start("lbA", FailoverPolicy.Failback.AUTO, SECRET, Duration.ofMillis(500));
        Node b = start("lbB", FailoverPolicy.Failback.AUTO, "another-secret-entirely", Duration.ofMillis(500));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.sync().views().get(0).refused() > 0
                        && b.sync().views().get(0).refused() > 0);
        assertThat(a.sync().views().get(0).lastRefusal()).get().asString().contains("bad signature");
        Commands.mode(b.engine().control(), b.server("MySQL/Primary"), AdminMode.MAINT, "disable server");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.sync().ready() && b.sync().ready());
        assertThat(a.sync().readiness()).startsWith("alone:");
        assertThat(a.server("MySQL/Primary").state().admin()).isEmpty();
        assertThat(a.sync().views().get(0).lastSyncMillis()).isEmpty();
    }

    @Test
    void oversizedMalformedAndReplayedMessagesChangeNothing() throws Exception {
        Node a = start("lbA", FailoverPolicy.Failback.AUTO);
        PeerAuth auth = new PeerAuth(SECRET);
        AdminState maint = new AdminState(
                Map.of(
                        "MySQL/Primary",
                        new AdminState.ServerAdmin(
                                Optional.of(AdminState.Note.UNRECORDED), Optional.empty(), Optional.empty())),
                Map.of(),
                new AdminState.Epoch(5, "lbB"));

        // Over the bound: refused before it is read.
        try (RawPeer p = new RawPeer(portA)) {
            // Only the length and a few bytes: the rest is never read, and unread bytes would turn the close into a
            // reset that could swallow the reply.
            p.out.writeInt(5000);
            p.out.write(new byte[10]);
            p.out.flush();
            assertThat(p.reply()).startsWith("refused message over peers.max-message");
        }
        // Signed with the secret but not a message.
        try (RawPeer p = new RawPeer(portA)) {
            byte[] junk = "hello".getBytes(StandardCharsets.UTF_8);
            p.sendSigned(auth, junk);
            assertThat(p.reply()).startsWith("refused malformed message");
        }
        // A valid message, then the same bytes again on the same connection, then on a new one.
        byte[] message = new PeerMessage("lbB", 1, PairRole.BACKUP, AdminState.Epoch.NONE, AdminState.EMPTY).encode();
        byte[] oldChallenge;
        byte[] oldSignature;
        try (RawPeer p = new RawPeer(portA)) {
            oldChallenge = p.challenge;
            oldSignature = auth.sign(p.challenge, message);
            p.sendRaw(concat(message, oldSignature));
            assertThat(p.reply()).isEqualTo("accepted");
            p.sendRaw(concat(message, oldSignature));
            assertThat(p.reply()).startsWith("refused replayed or reordered message (seq 1 after 1)");
        }
        try (RawPeer p = new RawPeer(portA)) {
            assertThat(p.challenge).isNotEqualTo(oldChallenge);
            p.sendRaw(concat(message, oldSignature));
            assertThat(p.reply()).startsWith("refused bad signature");
        }
        assertThat(a.server("MySQL/Primary").state().admin()).isEmpty();

        // A newer state, properly signed, is adopted; the older one replayed afterwards changes nothing.
        try (RawPeer p = new RawPeer(portA)) {
            p.sendSigned(auth, new PeerMessage("lbB", 1, PairRole.MASTER, AdminState.Epoch.NONE, maint).encode());
            assertThat(p.reply()).isEqualTo("accepted");
            await().atMost(Duration.ofSeconds(1))
                    .until(() -> a.server("MySQL/Primary").state().admin().contains(AdminFlag.FMAINT));
            p.sendSigned(
                    auth,
                    new PeerMessage(
                                    "lbB",
                                    2,
                                    PairRole.MASTER,
                                    AdminState.Epoch.NONE,
                                    AdminState.EMPTY.withEpoch(new AdminState.Epoch(4, "lbB")))
                            .encode());
            // Received (the peer's epoch reads 4 now), and not adopted: the maintenance and epoch 5 stay.
            await().atMost(Duration.ofSeconds(1))
                    .until(() -> a.sync().views().get(0).epoch().equals(Optional.of(new AdminState.Epoch(4, "lbB"))));
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> a.server("MySQL/Primary").state().admin().contains(AdminFlag.FMAINT)
                            && a.state().epoch().equals(new AdminState.Epoch(5, "lbB")));
        }
        assertThat(a.server("MySQL/Primary").state().admin()).contains(AdminFlag.FMAINT);
        assertThat(a.state().epoch()).isEqualTo(new AdminState.Epoch(5, "lbB"));
        assertThat(a.sync().views().get(0).refused()).isEqualTo(4);
    }

    @Test
    void aRestartedProxyCatchesUpBeforeItReportsReady() throws Exception {
        Node b = start("lbB", FailoverPolicy.Failback.AUTO);
        b.role(PairRole.MASTER);
        Commands.mode(b.engine().control(), b.server("MySQL/Primary"), AdminMode.DRAIN, "set server state drain");
        Commands.weight(b.engine().control(), b.server("MySQL/Secondary"), 7);

        Node restarted = start("lbA", FailoverPolicy.Failback.AUTO, SECRET, Duration.ofSeconds(30));
        ProxyEngine e = restarted.engine();
        PeerSync s = restarted.sync();
        // Right after start it has not heard from its peer, so it is not ready; the moment it is, it has caught up.
        assertThat(s.ready()).isFalse();
        assertThat(s.readiness()).startsWith("waiting for the state of peer lbB");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(1))
                .until(s::ready);
        assertThat(e.control().adminState().sameDecisions(b.state())).isTrue();
        assertThat(e.control().server("MySQL/Primary").orElseThrow().state().admin())
                .contains(AdminFlag.FDRAIN);
        assertThat(s.readiness()).startsWith("caught up with peer lbB: adopted its state");
    }

    @Test
    void aPinTheFollowerCannotApplyYetIsAppliedOnceItCan() throws Exception {
        Node[] pair = manualPair();
        Node a = pair[0];
        Node b = pair[1];
        // The follower's check of Secondary fails once; then the master fails over to Secondary.
        Commands.down(b.engine().control(), b.server("MySQL/Secondary"));
        Commands.down(a.engine().control(), a.server("MySQL/Primary"));
        await().atMost(Duration.ofSeconds(2))
                .until(() -> b.state().epoch().equals(a.state().epoch()));
        assertThat(b.engine().backends().get(0).snapshot().pinned()).isEmpty();
        // Secondary is back on the follower: the master's pin applies now, without any new decision.
        Commands.up(b.engine().control(), b.server("MySQL/Secondary"));
        await().atMost(Duration.ofSeconds(2)).until(() -> b.engine()
                .backends()
                .get(0)
                .snapshot()
                .pinned()
                .map(Server::name)
                .equals(Optional.of("Secondary")));
        assertThat(b.state().sameDecisions(a.state())).isTrue();
    }

    @Test
    void theDeciderKeepsItsDecisionsOverAStateNotMadeOnThem() throws Exception {
        Node a = start("lbA", FailoverPolicy.Failback.MANUAL);
        a.role(PairRole.MASTER);
        Commands.mode(a.engine().control(), a.server("MySQL/Secondary"), AdminMode.DRAIN, "set server state drain");
        AdminState.Epoch ours = a.state().epoch();
        PeerAuth auth = new PeerAuth(SECRET);
        AdminState theirs = new AdminState(
                Map.of(
                        "MySQL/Primary",
                        new AdminState.ServerAdmin(
                                Optional.of(AdminState.Note.UNRECORDED), Optional.empty(), Optional.empty())),
                Map.of(),
                new AdminState.Epoch(ours.value() + 5, "lbB"));
        try (RawPeer p = new RawPeer(portA)) {
            // Higher epoch, but numbered from a state the decider never had: two sides changed things apart.
            p.sendSigned(
                    auth, new PeerMessage("lbB", 1, PairRole.BACKUP, new AdminState.Epoch(1, "lbB"), theirs).encode());
            assertThat(p.reply()).isEqualTo("accepted");
            await().atMost(Duration.ofSeconds(2)).until(() -> a.state().epoch().value() > ours.value() + 5);
        }
        assertThat(a.state().epoch().by()).isEqualTo("lbA");
        assertThat(a.server("MySQL/Secondary").state().admin()).contains(AdminFlag.FDRAIN);
        assertThat(a.server("MySQL/Primary").state().admin()).isEmpty();

        // The same change made on the decider's current state is taken.
        AdminState.Epoch now = a.state().epoch();
        AdminState onOurs = new AdminState(theirs.servers(), Map.of(), new AdminState.Epoch(now.value() + 1, "lbB"));
        try (RawPeer p = new RawPeer(portA)) {
            p.sendSigned(auth, new PeerMessage("lbB", 1, PairRole.BACKUP, now, onOurs).encode());
            assertThat(p.reply()).isEqualTo("accepted");
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> a.server("MySQL/Primary").state().admin().contains(AdminFlag.FMAINT));
        }
        assertThat(a.state().epoch()).isEqualTo(new AdminState.Epoch(now.value() + 1, "lbB"));

        // Another decider (both MASTER: VRRP cut, the link still up): its newer state wins, not a round of outranking.
        AdminState.Epoch before = a.state().epoch();
        AdminState other = new AdminState(Map.of(), Map.of(), new AdminState.Epoch(before.value() + 1, "lbB"));
        try (RawPeer p = new RawPeer(portA)) {
            p.sendSigned(
                    auth,
                    new PeerMessage(
                                    "lbB",
                                    1,
                                    PairRole.MASTER,
                                    new AdminState.Epoch(1, "lbB"),
                                    "0000000000000000",
                                    other)
                            .encode());
            assertThat(p.reply()).isEqualTo("accepted");
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> a.server("MySQL/Primary").state().admin().isEmpty());
        }
        assertThat(a.state().epoch()).isEqualTo(other.epoch());
        // That peer's config lists other backends or servers: said, not hidden.
        assertThat(a.sync().views().get(0).topologyDiffers()).isTrue();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A hand-driven peer: reads the challenge, sends frames, reads replies. */
    static final class RawPeer implements AutoCloseable {
        final Socket socket = new Socket();
        final DataInputStream in;
        final DataOutputStream out;
        final byte[] challenge;

        RawPeer(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            in = new DataInputStream(socket.getInputStream());
            out = new DataOutputStream(socket.getOutputStream());
            String hello = reply();
            String prefix = PeerMessage.MAGIC + "\nchallenge ";
            assertThat(hello).startsWith(prefix);
            challenge =
                    ByteBufUtil.decodeHexDump(hello.substring(prefix.length()).trim());
        }

        void sendRaw(byte[] frame) throws IOException {
            out.writeInt(frame.length);
            out.write(frame);
            out.flush();
        }

        void sendSigned(PeerAuth auth, byte[] message) throws IOException {
            sendRaw(concat(message, auth.sign(challenge, message)));
        }

        String reply() throws IOException {
            int n = in.readInt();
            byte[] b = new byte[n];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8).trim();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
