package io.understudy.admin.command;

import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code _handover}: the new version taking over ({@code understudy -x}) asks this process to stop writing the state
 * file and to say where its writers are ({@link io.understudy.admin.Handover#handOver}). Hidden from {@code help}.
 * Level admin.
 */
final class HandoverCommand implements Command {
    private final AdminContext context;
    /** {@code _handback}: the takeover failed, the state file is this process's again. */
    private final boolean back;

    HandoverCommand(AdminContext context, boolean back) {
        this.context = context;
        this.back = back;
    }

    @Override
    public List<String> keywords() {
        return List.of(back ? "_handback" : "_handover");
    }

    @Override
    public Level level() {
        return Level.ADMIN;
    }

    @Override
    public String usage() {
        return "";
    }

    @Override
    public CompletableFuture<String> run(List<String> args, CliSession session) {
        if (!session.exposesFd()) {
            return Command.reply(GetSocksCommand.NOT_EXPOSED);
        }
        if (context.handover().isEmpty()) {
            return Command.reply("This process cannot hand over.\n");
        }
        // Writes the state file one last time (or again, on _handback).
        return Command.onOwnThread("understudy-handover", () -> {
            try {
                if (back) {
                    context.handover().get().handBack();
                    return "";
                }
                return context.handover().get().handOver();
            } catch (IllegalStateException e) {
                return "Cannot hand over: " + e.getMessage() + "\n";
            }
        });
    }
}
