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
 * understudy-state 1
 * epoch 7 by lbA
 * backend MySQL active-server Secondary set 2026-12-02T14:00:00Z "failover to MySQL/Secondary after ..."
 * end
 * </pre>
 *
 * The whole state, never a delta: a lost or refused message is repaired by the next one, and applying one twice
 * changes nothing.
 */
record PeerMessage(String from, long seq, PairRole role, AdminState state) {
    static final String MAGIC = "understudy-peer 1";

    PeerMessage {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(state, "state");
    }

    byte[] encode() {
        String text =
                MAGIC + "\nfrom " + from + "\nseq " + seq + "\nrole " + role.name() + "\n" + StateFormat.format(state);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static PeerMessage decode(byte[] bytes) throws PeerProtocolException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] head = text.split("\n", 5);
        if (head.length < 5 || !head[0].equals(MAGIC)) {
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
        try {
            return new PeerMessage(from, seq, role, StateFormat.parse(head[4]));
        } catch (StateFileException e) {
            throw new PeerProtocolException("bad state: " + e.getMessage());
        }
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
