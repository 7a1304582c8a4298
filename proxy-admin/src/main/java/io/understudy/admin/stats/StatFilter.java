package io.understudy.admin.stats;

import io.understudy.core.config.Atoi;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which rows {@code show stat} prints, parsed from its words as HAProxy 2.6 parses them ({@code cli_parse_show_stat}):
 * {@code [{<iid>|<proxy>} <type> <sid>] [up|no-maint]}, where the first three only count together, {@code -1} means
 * any, {@code <type>} is a mask of {@link RowType#filterBit()}s, and {@code <sid>} only narrows server rows.
 * {@code up} hides servers in maintenance and servers fully down (a server coming back, {@code DOWN 1/2}, stays);
 * {@code no-maint} hides servers in maintenance. {@code typed} and {@code json} choose the output's form and do not
 * filter; other words ({@code desc}) are ignored, as HAProxy ignores words it does not know here.
 *
 * @param proxyId the {@code iid} to keep, or -1 for every proxy
 * @param typeMask which row types to keep, -1 for all
 * @param serverId the {@code sid} of the server rows to keep, or -1 for all
 * @param upOnly the {@code up} word
 * @param hideMaint the {@code no-maint} word
 * @param format the output's form: CSV unless {@code typed} or {@code json} was asked for (the last one wins)
 */
public record StatFilter(int proxyId, int typeMask, int serverId, boolean upOnly, boolean hideMaint, Format format)
        implements Predicate<StatRow> {
    /** Every row: {@code show stat} without arguments. */
    public static final StatFilter ALL = new StatFilter(-1, -1, -1, false, false, Format.CSV);

    /** The forms of {@code show stat}'s output. */
    public enum Format {
        CSV,
        TYPED,
        JSON
    }

    /**
     * Parses the words after {@code show stat}; a proxy given by name is resolved to its {@code iid} in
     * {@code snapshot}. Empty when the proxy matches no name and is not a number (HAProxy: {@code No such proxy.}).
     */
    public static Optional<StatFilter> parse(List<String> words, StatsSnapshot snapshot) {
        int proxyId = -1;
        int typeMask = -1;
        int serverId = -1;
        int next = 0;
        if (words.size() >= 3) {
            String px = words.get(0);
            proxyId = snapshot.rows().stream()
                    .filter(r -> r.proxyName().equals(px))
                    .mapToInt(StatRow::proxyId)
                    .findFirst()
                    .orElse(Atoi.parse(px));
            if (proxyId == 0) {
                return Optional.empty();
            }
            typeMask = Atoi.parse(words.get(1));
            serverId = Atoi.parse(words.get(2));
            next = 3;
        }
        boolean up = false;
        boolean noMaint = false;
        Format format = Format.CSV;
        for (String w : words.subList(next, words.size())) {
            switch (w) {
                case "up" -> up = true;
                case "no-maint" -> noMaint = true;
                case "typed" -> format = Format.TYPED;
                case "json" -> format = Format.JSON;
                default -> {
                    // HAProxy ignores words it does not know.
                }
            }
        }
        return Optional.of(new StatFilter(proxyId, typeMask, serverId, up, noMaint, format));
    }

    @Override
    public boolean test(StatRow row) {
        if (proxyId != -1 && row.proxyId() != proxyId) {
            return false;
        }
        if ((typeMask & row.type().filterBit()) == 0) {
            return false;
        }
        if (row.type() != RowType.SERVER) {
            return true;
        }
        if (serverId != -1 && row.serverId() != serverId) {
            return false;
        }
        boolean maint = row.state() == ServiceState.MAINT;
        if (hideMaint && maint) {
            return false;
        }
        // "DOWN" exactly is a stopped server that is unchecked or whose counter is at 0: down and not changing.
        return !(upOnly && (maint || row.status().equals("DOWN")));
    }
}
