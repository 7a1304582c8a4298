package io.understudy.admin.stats;

import java.util.Objects;

/**
 * One filled cell of a {@code show stat} row: a number or a text. A field that does not apply to a row has no value at
 * all (see {@link StatRow#value(StatField)}), which HAProxy prints as an empty cell.
 */
public sealed interface StatValue permits StatValue.Num, StatValue.Text {
    /** The cell as HAProxy prints it before CSV quoting. */
    String text();

    static StatValue of(long value) {
        return new Num(value);
    }

    static StatValue of(String value) {
        return new Text(value);
    }

    /** A counter, gauge, limit, duration or age; times in this model are as HAProxy prints them (ms or s). */
    record Num(long value) implements StatValue {
        @Override
        public String text() {
            return Long.toString(value);
        }
    }

    /** A name, status word, description or address; may be empty ({@code last_chk} after a silent success). */
    record Text(String value) implements StatValue {
        public Text {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String text() {
            return value;
        }
    }
}
