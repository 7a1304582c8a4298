package io.understudy.core.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The pair this proxy belongs to ({@code peers { ... }}): the same section on both proxies, but for {@code local}.
 *
 * @param local this proxy's name: one of {@code members}
 * @param members every member's name and peer-link address, in file order; the local one is where this proxy listens
 * @param secret the shared secret every message is signed with (HMAC-SHA256)
 * @param interval how often each proxy sends its whole state to the other, also when nothing changed
 * @param syncTimeout at start, how long this proxy waits for its peer's state before it reports healthy alone
 * @param maxMessage the largest message accepted, in bytes; a larger one is refused and the link closed
 * @param writerLock whether the deciding proxy holds the writer lock on the database (off for Galera, which refuses
 *     GET_LOCK)
 */
public record PeersConfig(
        String local,
        Map<String, HostPort> members,
        String secret,
        Duration interval,
        Duration syncTimeout,
        int maxMessage,
        boolean writerLock) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_MESSAGE = 64 * 1024;

    public PeersConfig {
        Objects.requireNonNull(local, "local");
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        if (!members.containsKey(local)) {
            throw new IllegalArgumentException("local peer " + local + " is not a member");
        }
    }

    /** Where this proxy listens for its peer. */
    public HostPort localAddress() {
        return members.get(local);
    }

    /** The other members (one, in a pair), by name. */
    public Map<String, HostPort> others() {
        Map<String, HostPort> o = new LinkedHashMap<>(members);
        o.remove(local);
        return o;
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "PeersConfig[local=" + local + ", members=" + members + ", interval=" + interval + ", syncTimeout="
                + syncTimeout + ", maxMessage=" + maxMessage + ", writerLock=" + writerLock + "]";
    }
}
