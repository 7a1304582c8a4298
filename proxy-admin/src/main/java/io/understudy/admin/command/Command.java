package io.understudy.admin.command;

import io.understudy.core.config.AdminSocketConfig.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One admin socket verb, selected by its first words ({@link #keywords()}), like an entry of HAProxy's
 * {@code cli_kws}. A command reads snapshots or asks the control plane, and completes with its reply text (ending with
 * {@code \n}, or empty for a silent success); a refusal is a {@link CliException} carrying one of {@link CliMessages}.
 * Commands run on the socket's event loop and must not block it: anything that waits returns an incomplete future.
 */
public sealed interface Command
        permits AddServerCommand,
                ClearCountersCommand,
                DelServerCommand,
                DisableServerCommand,
                FrontendCommand,
                EnableServerCommand,
                GetSocksCommand,
                GetWeightCommand,
                HandoverCommand,
                HealthCommand,
                HelpCommand,
                LevelCommand,
                PromptCommand,
                QuitCommand,
                ReloadCommand,
                SetBackendCommand,
                SetVrrpCommand,
                SetServerCommand,
                SetLimitCommand,
                SetMaxconnServerCommand,
                SetWeightCommand,
                ShowActivityCommand,
                ShowBackendCommand,
                ShowErrorsCommand,
                ShowServersConnCommand,
                ShowVersionCommand,
                ShowCliLevelCommand,
                ShowInfoCommand,
                ShowServersStateCommand,
                ShowEventsCommand,
                ShowPeersCommand,
                ShowSessCommand,
                ShowStatCommand,
                ShutdownSessionCommand,
                ShutdownSessionsServerCommand {

    /** The words that select this command, e.g. {@code [show, servers, state]}. */
    List<String> keywords();

    /** The lowest level allowed to run it; below it the client gets {@link CliMessages#PERMISSION_DENIED}. */
    Level level();

    /** The line {@code help} prints (HAProxy's layout: syntax padded to 40 columns, then the description), or empty. */
    String usage();

    /**
     * Runs the command.
     *
     * @param args every word of the command, keywords included, unescaped
     * @param session the connection's state, which only synchronous commands may change
     */
    CompletableFuture<String> run(List<String> args, CliSession session);

    /** The word at {@code index}, or empty text when absent (HAProxy's unused arguments are empty strings). */
    static String arg(List<String> args, int index) {
        return index < args.size() ? args.get(index) : "";
    }

    /** A help line in HAProxy's layout. */
    static String usageLine(String syntax, String description) {
        return String.format("%-40s: %s", syntax, description);
    }

    /** A reply that is already known. */
    static CompletableFuture<String> reply(String text) {
        return CompletableFuture.completedFuture(text);
    }

    /**
     * A reply that takes blocking work (a file read, a disk write, a wait for the control plane): done on a thread of
     * its own, named {@code name}, never on the socket's event loop. Rare commands only ({@code reload}, the takeover).
     */
    static CompletableFuture<String> onOwnThread(String name, java.util.function.Supplier<String> work) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        reply.complete(work.get());
                    } catch (RuntimeException e) {
                        reply.completeExceptionally(e);
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
        return reply;
    }
}
