package io.understudy.core.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads the optional {@code peers { local, secret, members { name = "host:port" }, ... }} section. */
final class PeersReader {
    static final String NAME = "a peer name: letters, digits, '.', '_' or '-' (e.g. lbA)";
    static final String LOCAL = "the name of one of peers.members: this proxy's own";
    static final String MEMBERS = "exactly two members, name = \"host:port\" (a pair; fleets are not supported yet)";
    static final String SECRET = "a string of at least " + PeersReader.MIN_SECRET
            + " characters, the same on both proxies (e.g. ${UNDERSTUDY_PEER_SECRET} from the environment)";
    static final int MIN_SECRET = 16;
    private static final Pattern NAME_FORM = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Addresses addresses;

    PeersReader(Addresses addresses) {
        this.addresses = addresses;
    }

    /** The pair settings, or empty when the section is absent or something in it was reported. */
    Optional<PeersConfig> read(Optional<Section> peers) {
        if (peers.isEmpty()) {
            return Optional.empty();
        }
        Section p = peers.get();
        p.checkKnownKeys(ConfigKeys.PEERS, true);
        Optional<String> local = Optional.empty();
        if (p.has("local")) {
            local = p.string("local");
        } else {
            p.missing("local", LOCAL);
        }
        Optional<String> secret = Optional.empty();
        if (p.has("secret")) {
            secret = p.string("secret").filter(s -> {
                if (s.length() >= MIN_SECRET) {
                    return true;
                }
                p.problems().addHidden(p.keyPath("secret"), p.value("secret"), SECRET);
                return false;
            });
        } else {
            p.missing("secret", SECRET);
        }
        Map<String, HostPort> members = new LinkedHashMap<>();
        boolean membersOk = false;
        if (!p.has("members")) {
            p.missing("members", MEMBERS);
        } else {
            Optional<Section> m = p.section("members");
            if (m.isPresent()) {
                membersOk = true;
                for (String name : m.get().keysInFileOrder()) {
                    if (!NAME_FORM.matcher(name).matches()) {
                        m.get().report(name, m.get().value(name), NAME);
                        membersOk = false;
                        continue;
                    }
                    boolean isLocal = local.map(name::equals).orElse(false);
                    Optional<HostPort> a = isLocal ? addresses.bind(m.get(), name) : addresses.server(m.get(), name);
                    if (a.isPresent()) {
                        members.put(name, a.get());
                    } else {
                        membersOk = false;
                    }
                }
                if (membersOk && members.size() != 2) {
                    p.report("members", p.value("members"), MEMBERS);
                    membersOk = false;
                }
            }
        }
        if (local.isPresent() && membersOk && !members.containsKey(local.get())) {
            p.report("local", p.value("local"), LOCAL + " (" + String.join(", ", members.keySet()) + ")");
            local = Optional.empty();
        }
        Optional<Duration> interval =
                p.has("interval") ? p.duration("interval") : Optional.of(PeersConfig.DEFAULT_INTERVAL);
        Optional<Duration> syncTimeout =
                p.has("sync-timeout") ? p.duration("sync-timeout") : Optional.of(PeersConfig.DEFAULT_SYNC_TIMEOUT);
        Optional<Integer> maxMessage = p.has("max-message")
                ? p.integer("max-message", 1024, 16 * 1024 * 1024)
                : Optional.of(PeersConfig.DEFAULT_MAX_MESSAGE);
        Optional<Boolean> writerLock = p.has("writer-lock") ? p.bool("writer-lock") : Optional.of(true);
        if (local.isEmpty()
                || writerLock.isEmpty()
                || secret.isEmpty()
                || !membersOk
                || interval.isEmpty()
                || syncTimeout.isEmpty()
                || maxMessage.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PeersConfig(
                local.get(),
                members,
                secret.get(),
                interval.get(),
                syncTimeout.get(),
                maxMessage.get(),
                writerLock.get()));
    }
}
