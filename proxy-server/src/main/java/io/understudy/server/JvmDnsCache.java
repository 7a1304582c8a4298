package io.understudy.server;

import java.security.Security;
import java.time.Duration;
import java.util.Optional;

/**
 * The JVM's cache of name lookups, which would hide a changed DNS answer from the resolvers ({@code
 * global.resolve-interval}) for up to 30 seconds (and a name that did not resolve for 10). The JVM reads its policy once,
 * at the first lookup, so it is set before the config is loaded: unless the operator set a TTL ({@code
 * networkaddress.cache.ttl} in java.security or with {@code Security.setProperty}, or {@code -Dsun.net.inetaddr.ttl}),
 * the JVM caches nothing and the resolvers' interval alone says how often a name is looked up again.
 */
final class JvmDnsCache {
    static final String TTL = "networkaddress.cache.ttl";
    static final String NEGATIVE_TTL = "networkaddress.cache.negative.ttl";
    static final String LEGACY_TTL = "sun.net.inetaddr.ttl";
    static final String LEGACY_NEGATIVE_TTL = "sun.net.inetaddr.negative.ttl";

    private JvmDnsCache() {}

    /** Call before the first name lookup of the process. */
    static void cacheNothingUnlessSet() {
        if (Security.getProperty(TTL) == null && System.getProperty(LEGACY_TTL) == null) {
            Security.setProperty(TTL, "0");
        }
        if (Security.getProperty(NEGATIVE_TTL) == null && System.getProperty(LEGACY_NEGATIVE_TTL) == null) {
            Security.setProperty(NEGATIVE_TTL, "0");
        }
    }

    /**
     * How long the JVM keeps a name it resolved, when the operator made that longer than {@code interval}: the resolvers
     * then see a change that much late. Empty when it is within the interval.
     */
    static Optional<Duration> longerThan(Duration interval) {
        String text = Optional.ofNullable(Security.getProperty(TTL)).orElse(System.getProperty(LEGACY_TTL));
        if (text == null) {
            return Optional.empty();
        }
        try {
            long seconds = Long.parseLong(text.trim());
            // A negative TTL caches forever.
            Duration ttl = seconds < 0 ? Duration.ofSeconds(Long.MAX_VALUE) : Duration.ofSeconds(seconds);
            return ttl.compareTo(interval) > 0 ? Optional.of(ttl) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
