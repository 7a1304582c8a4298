package io.understudy.core.config;

/** Load-balancing algorithms, with HAProxy's names. */
public enum Balance {
    /** The first server in declaration order with a free slot below its {@code maxconn}. */
    FIRST("first"),
    /** Weighted turns. */
    ROUNDROBIN("roundrobin"),
    /** Fewest current sessions relative to weight, turns among equals. */
    LEASTCONN("leastconn");

    private final String keyword;

    Balance(String keyword) {
        this.keyword = keyword;
    }

    /** The name used in config files, {@code show stat}'s {@code algo} column and logs. */
    public String keyword() {
        return keyword;
    }
}
