package io.understudy.core.model;

import java.util.List;
import java.util.Optional;

/**
 * The answer to one {@link ControlCommand}: the events it produced (none when it changed nothing), the model generation
 * after it, and, when the command was refused, why (nothing changed then).
 *
 * @param restored for an {@link ControlCommand.ImportAdminState}: each decision applied, one line apiece
 * @param ignored for an {@link ControlCommand.ImportAdminState}: each decision skipped, with why
 */
public record Commit(
        long generation,
        List<ModelEvent> events,
        Optional<String> refusal,
        List<String> restored,
        List<String> ignored) {
    public Commit {
        events = List.copyOf(events);
        restored = List.copyOf(restored);
        ignored = List.copyOf(ignored);
    }

    static Commit of(long generation, List<ModelEvent> events) {
        return new Commit(generation, events, Optional.empty(), List.of(), List.of());
    }

    static Commit refused(long generation, String why) {
        return new Commit(generation, List.of(), Optional.of(why), List.of(), List.of());
    }

    public boolean refused() {
        return refusal.isPresent();
    }
}
