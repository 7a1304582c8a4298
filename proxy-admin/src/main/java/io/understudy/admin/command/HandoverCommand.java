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
        // Writes the state file one last time: on a thread of its own, never on the socket's event loop.
        CompletableFuture<String> reply = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        if (back) {
                            context.handover().get().handBack();
                            reply.complete("");
                        } else {
                            reply.complete(context.handover().get().handOver());
                        }
                    } catch (IllegalStateException e) {
                        reply.complete("Cannot hand over: " + e.getMessage() + "\n");
                    } catch (RuntimeException e) {
                        reply.completeExceptionally(e);
                    }
                },
                "understudy-handover");
        t.setDaemon(true);
        t.start();
        return reply;
    }
}
