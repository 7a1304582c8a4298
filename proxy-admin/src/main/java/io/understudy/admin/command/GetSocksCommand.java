package io.understudy.admin.command;

import io.netty.channel.unix.FileDescriptor;
import io.understudy.admin.AdminContext;
import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code _getsocks}: sends this process's listening sockets over the admin connection (SCM_RIGHTS), for the new
 * version taking over ({@code understudy -x}); HAProxy's command of the same name. Hidden from {@code help}, as in
 * HAProxy. Level admin; epoll transport only (NIO has no descriptors to send).
 */
final class GetSocksCommand implements Command {
    /** The refusal on a socket without {@code expose-fd listeners} (HAProxy answers nothing there). */
    static final String NOT_EXPOSED =
            "This socket does not hand listeners over: configure it with expose-fd = listeners (and level = admin).\n";

    private final AdminContext context;

    GetSocksCommand(AdminContext context) {
        this.context = context;
    }

    @Override
    public List<String> keywords() {
        return List.of("_getsocks");
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
            return Command.reply(NOT_EXPOSED);
        }
        if (context.handover().isEmpty()) {
            return Command.reply("This process cannot hand its sockets over.\n");
        }
        List<FileDescriptor> fds;
        try {
            fds = context.handover().get().listeningSockets();
        } catch (IllegalStateException e) {
            return Command.reply("Cannot hand the sockets over: " + e.getMessage() + "\n");
        }
        if (fds.isEmpty()) {
            return Command.reply("No listening socket to hand over (the epoll transport is needed).\n");
        }
        fds.forEach(session::sendRaw);
        return Command.reply("");
    }
}
