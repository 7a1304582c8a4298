package io.understudy.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.admin.stats.RowType;
import io.understudy.admin.stats.StatRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Checks a scrape against the {@code show stat} rows taken just before and just after it: every published column of
 * every row must equal the value of one of the two (a value can only move between them, e.g. {@code lastchg} ticking
 * or a check completing).
 */
final class ShowStatAgreement {
    private ShowStatAgreement() {}

    /** Asserts every column of {@code before}'s row; returns how many values were compared. */
    static int assertAgree(Scrape s, String prefix, StatRow before, StatRow after) {
        List<Column> columns = before.type() == RowType.FRONTEND
                ? Column.FRONTEND
                : before.type() == RowType.BACKEND ? Column.BACKEND : Column.SERVER;
        String object = before.type().name().toLowerCase(Locale.ROOT);
        List<String> labels = new ArrayList<>(List.of("proxy", before.proxyName()));
        if (before.type() == RowType.SERVER) {
            labels.addAll(List.of("server", before.serviceName()));
        }
        String[] l = labels.toArray(new String[0]);
        int compared = 0;
        for (Column c : columns) {
            String name = prefix + "_" + object + "_" + c.suffix();
            String what = before + " " + c.field().csvName() + " as " + name;
            switch (c.kind()) {
                case STATE -> assertThat(s.state(name, l))
                        .as(what)
                        .isIn(
                                Optional.of(before.state().name()),
                                Optional.of(after.state().name()));
                case CHECK_STATE -> {
                    if (before.checkStatus().isEmpty() && after.checkStatus().isEmpty()) {
                        assertThat(s.find(name, l)).as(what).isEmpty();
                    } else {
                        assertThat(s.state(name, l))
                                .as(what)
                                .isIn(
                                        before.checkStatus().map(Enum::name),
                                        after.checkStatus().map(Enum::name));
                    }
                }
                default -> {
                    Optional<Double> scraped = s.value(name, l);
                    assertThat(scraped.orElse(null))
                            .as(what)
                            .isIn(expected(c, before.number(c.field())), expected(c, after.number(c.field())));
                }
            }
            compared++;
        }
        return compared;
    }

    private static Double expected(Column c, OptionalLong v) {
        if (v.isEmpty()) {
            return c.kind() == Column.Kind.LIMIT ? Double.NaN : null;
        }
        return c.kind() == Column.Kind.MILLIS_AS_SECONDS ? v.getAsLong() / 1000.0 : (double) v.getAsLong();
    }
}
