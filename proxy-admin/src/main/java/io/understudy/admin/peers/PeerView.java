package io.understudy.admin.peers;

import io.understudy.core.model.AdminState.Epoch;
import io.understudy.core.model.PairRole;
import java.util.Optional;

/**
 * What this proxy knows of its peer, for {@code show peers}, {@code show info} and metrics: a snapshot, read without
 * locks.
 *
 * @param name the peer's name
 * @param address where this proxy dials it
 * @param outbound whether this proxy's link to the peer is up (it can send)
 * @param inbound whether the peer's link to this proxy is up (it receives)
 * @param lastSyncMillis wall-clock time of the last valid message from the peer, if any
 * @param role the peer's role as of its last message
 * @param epoch the epoch of the peer's state as of its last message
 * @param refused messages from this address refused so far (bad signature, too large, replayed, malformed)
 * @param lastRefusal why the last one was refused
 * @param topologyDiffers whether the peer's config lists other backends or servers, or in another order
 */
public record PeerView(
        String name,
        String address,
        boolean outbound,
        boolean inbound,
        Optional<Long> lastSyncMillis,
        Optional<PairRole> role,
        Optional<Epoch> epoch,
        long refused,
        Optional<String> lastRefusal,
        boolean topologyDiffers) {

    /** HAProxy's words for a peer session: {@code ESTA} when both links are up, else {@code CONN} or {@code DOWN}. */
    public String status() {
        if (outbound && inbound) {
            return "ESTA";
        }
        return outbound || inbound ? "CONN" : "DOWN";
    }
}
