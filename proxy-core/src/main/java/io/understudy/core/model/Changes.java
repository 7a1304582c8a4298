package io.understudy.core.model;

import java.util.Objects;

/** Builds the {@code what before -> after, ...} text that the logs and {@code show events} print for a change. */
final class Changes {
    private final StringBuilder out = new StringBuilder();

    /** Adds {@code what before -> after} when the two differ. */
    Changes add(String what, Object before, Object after) {
        if (!Objects.equals(String.valueOf(before), String.valueOf(after))) {
            word(what + " " + before + " -> " + after);
        }
        return this;
    }

    /** Adds a word of its own ({@code disabled}, {@code shut down}). */
    Changes word(String text) {
        out.append(out.isEmpty() ? "" : ", ").append(text);
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
