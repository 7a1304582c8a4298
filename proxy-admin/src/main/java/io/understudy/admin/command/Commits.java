package io.understudy.admin.command;

import io.understudy.core.model.Commit;
import io.understudy.core.model.ServerState;
import java.util.concurrent.CompletableFuture;

/** Turns the control plane's answers into admin replies. */
final class Commits {
    private Commits() {}

    /** An empty reply once the command is committed; its refusal, one line, when refused. */
    static CompletableFuture<String> silent(CompletableFuture<Commit> commit) {
        return commit.thenApply(c -> {
            if (c.refused()) {
                throw new CliException(c.refusal().get() + "\n");
            }
            return "";
        });
    }

    /** Why {@code state} takes no new sessions, in {@code show stat}'s words; empty when it is usable. */
    static String whyNotUsable(ServerState state) {
        if (state.inMaintenance()) {
            return "MAINT";
        }
        if (state.draining()) {
            return "DRAIN";
        }
        if (!state.op().takesTraffic()) {
            return state.op() == io.understudy.core.model.OpState.STOPPING ? "NOLB" : "DOWN";
        }
        if (state.weight() == 0) {
            return "weight 0";
        }
        return "";
    }
}
