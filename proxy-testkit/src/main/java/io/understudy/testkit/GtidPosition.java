package io.understudy.testkit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A MariaDB GTID position such as {@code 1-1-17,2-2-5}, reduced to the highest sequence number per replication
 * domain. The fixture gives each server its own domain, so within a domain sequence numbers only grow.
 */
record GtidPosition(Map<Long, Long> seqByDomain) {
    static GtidPosition parse(String text) {
        Map<Long, Long> seq = new LinkedHashMap<>();
        if (text != null) {
            for (String gtid : text.split(",")) {
                String trimmed = gtid.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                String[] parts = trimmed.split("-");
                if (parts.length != 3) {
                    throw new IllegalArgumentException("not a GTID: " + trimmed);
                }
                seq.merge(Long.parseLong(parts[0]), Long.parseLong(parts[2]), Math::max);
            }
        }
        return new GtidPosition(Collections.unmodifiableMap(seq));
    }

    /** Whether this position has reached {@code target} in every domain {@code target} mentions. */
    boolean reached(GtidPosition target) {
        return target.seqByDomain.entrySet().stream()
                .allMatch(e -> seqByDomain.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }
}
