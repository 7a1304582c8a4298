package io.understudy.admin.peers;

import io.understudy.admin.state.StateFileException;
import io.understudy.admin.state.StateFormat;
import io.understudy.core.model.AdminState;
import io.understudy.core.model.PairRole;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What one proxy tells the other: who it is, the message's number on this connection, its role in the pair, and its
 * whole admin state with the epoch. Text, so that a capture reads like the state file:
 *
 * <pre>
 * understudy-peer 1
 * from lbA
 * seq 12
 * role MASTER
 * parent 6 by lbB
 * understudy-state 1
 * epoch 7 by lbA
 * backend MySQL active-server Secondary set 2026-12-02T14:00:00Z "failover to MySQL/Secondary after ..."
 * end
 * </pre>
 *
 * {@code topology} (optional) fingerprints the sender's backends and servers in configuration order: the writer lock's
 * name and its first-server rule only agree between proxies whose configs list the same ones. {@code parent} is the
 * epoch the sender numbered its decisions from: a deciding receiver takes a newer state only
 * when it was made on its own current one. The whole state, never a delta: a lost or refused message is repaired by the next one, and applying one twice
 * changes nothing.
 */
record PeerMessage(String from, long seq, PairRole role, AdminState.Epoch parent, String topology, AdminState state) {
    /** A message without a topology line (tests, and the previous release). */
    PeerMessage(String from, long seq, PairRole role, AdminState.Epoch parent, AdminState state) {
        this(from, seq, role, parent, "", state);
    }

    static final String MAGIC = "understudy-peer 1";

    PeerMessage {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(state, "state");
    }

    byte[] encode() {
        String text = MAGIC + "\nfrom " + from + "\nseq " + seq + "\nrole " + role.name() + "\nparent "
                + parent.value() + (parent.by().isEmpty() ? "" : " by " + parent.by()) + "\n"
                + (topology.isEmpty() ? "" : "topology " + topology + "\n")
                + StateFormat.format(state);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static PeerMessage decode(byte[] bytes) throws PeerProtocolException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] head = text.split("\n", 6);
        if (head.length >= 5 && !head[4].startsWith("parent ")) {
            // From a proxy of the previous release: no parent line, the state follows the role.
            String[] older = text.split("\n", 5);
            head = new String[] {older[0], older[1], older[2], older[3], "parent 0", older[4]};
        }
        if (head.length < 6 || !head[0].equals(MAGIC)) {
            throw new PeerProtocolException("not an Understudy peer message (expected '" + MAGIC + "' first)");
        }
        String from = field(head[1], "from");
        long seq;
        try {
            seq = Long.parseLong(field(head[2], "seq"));
        } catch (NumberFormatException e) {
            throw new PeerProtocolException("seq is not a number: " + head[2]);
        }
        PairRole role;
        try {
            role = PairRole.valueOf(field(head[3], "role"));
        } catch (IllegalArgumentException e) {
            throw new PeerProtocolException("unknown role: " + head[3]);
        }
        AdminState.Epoch parent = epoch(field(head[4], "parent"));
        String body = head[5];
        String topology = "";
        if (body.startsWith("topology ")) {
            int nl = body.indexOf('\n');
            if (nl < 0) {
                throw new PeerProtocolException("no state after the topology line");
            }
            topology = body.substring("topology ".length(), nl).trim();
            body = body.substring(nl + 1);
        }
        try {
            return new PeerMessage(from, seq, role, parent, topology, StateFormat.parse(body));
        } catch (StateFileException e) {
            throw new PeerProtocolException("bad state: " + e.getMessage());
        }
    }

    /** {@code 6 by lbB}, or {@code 0}. */
    private static AdminState.Epoch epoch(String text) throws PeerProtocolException {
        String[] w = text.split(" ");
        try {
            if (w.length == 1) {
                return new AdminState.Epoch(Long.parseLong(w[0]), "");
            }
            if (w.length == 3 && w[1].equals("by")) {
                return new AdminState.Epoch(Long.parseLong(w[0]), w[2]);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new PeerProtocolException("bad parent epoch: " + shorten(text));
    }

    private static String field(String line, String name) throws PeerProtocolException {
        if (!line.startsWith(name + " ") || line.length() == name.length() + 1) {
            throw new PeerProtocolException("expected '" + name + " <value>', got '" + shorten(line) + "'");
        }
        return line.substring(name.length() + 1);
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
