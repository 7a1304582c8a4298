package io.understudy.server;

import io.understudy.core.config.ConfigException;
import io.understudy.core.config.ConfigLoader;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.frontend.BindFailedException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code understudy} command: runs the proxy, or checks a config ({@code understudy check -c FILE}, like
 * {@code haproxy -c}).
 */
@Command(
        name = "understudy",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "HAProxy-style TCP proxy for MySQL with active/backup failover.",
        subcommands = {Main.Check.class, Main.Admin.class, Main.Reload.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped normally / config valid",
            "1:invalid configuration (nothing was bound)",
            "2:bad command line",
            "3:could not start (address in use, permission denied; nothing stays bound)",
            "130/143:stopped by SIGINT/SIGTERM after the graceful shutdown"
        })
public final class Main implements Callable<Integer> {
    static final String DEFAULT_CONFIG = "/etc/understudy/understudy.conf";

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "configuration file (HOCON), default ${DEFAULT-VALUE}",
            defaultValue = DEFAULT_CONFIG)
    Path config;

    @Option(
            names = {"-x", "--take-over"},
            paramLabel = "SOCKET",
            description = "upgrade: take the listening sockets over from the Understudy running with this admin socket"
                    + " (HAProxy's -x), then tell it to stop; its sessions finish there")
    Path takeOver;

    public static void main(String[] args) {
        // Before anything resolves a name: the JVM fixes its cache policy at the first lookup.
        JvmDnsCache.cacheNothingUnlessSet();
        int code = commandLine().execute(args);
        if (code != ExitCodes.OK || !isRun(args)) {
            System.exit(code);
        }
    }

    private static boolean isRun(String[] args) {
        for (String a : args) {
            if (a.equals("check")
                    || a.equals("reload")
                    || a.equals("admin")
                    || a.startsWith("-h")
                    || a.equals("--help")
                    || a.startsWith("-V")
                    || a.equals("--version")) {
                return false;
            }
        }
        return true;
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExitCodeExceptionMapper(e -> ExitCodes.USAGE);
        return cl;
    }

    @Override
    public Integer call() {
        PrintWriter err = new PrintWriter(System.err, true);
        ProxyConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            ConfigReport.print(err, config, e);
            return ExitCodes.CONFIG_INVALID;
        }
        // Before anything binds: a SIGUSR2 or SIGHUP during the start must not kill the process either.
        Signals.install();
        java.util.Optional<Takeover.Inherited> inherited = java.util.Optional.empty();
        if (takeOver != null) {
            try {
                inherited = java.util.Optional.of(Takeover.from(takeOver, cfg));
            } catch (Takeover.TakeoverException e) {
                err.println("understudy: cannot take over from " + takeOver + ": " + e.getMessage()
                        + "; nothing was changed");
                return ExitCodes.START_FAILED;
            }
        }
        Understudy proxy;
        try {
            proxy = new Understudy(cfg, java.util.Optional.of(config), inherited);
            proxy.start();
        } catch (BindFailedException | io.understudy.admin.cli.AdminSocketException | RuntimeException e) {
            // A takeover that failed gives the old process its sockets' sole ownership and its state file back.
            inherited.ifPresent(i -> {
                i.closeUnused();
                Takeover.handBack(i);
            });
            if (e instanceof RuntimeException r && inherited.isEmpty()) {
                throw r;
            }
            err.println("understudy: " + e.getMessage());
            return ExitCodes.START_FAILED;
        }
        proxy.reloader().ifPresent(Signals::reloadWith);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            proxy.stop();
                            stopped.countDown();
                        },
                        "understudy-shutdown"));
        // The main thread waits for the shutdown hook; the event loops are daemon threads.
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    /**
     * {@code understudy check -c FILE} (or {@code -f FILE}, {@code haproxy -c -f}'s habit): validates and exits 0, or
     * prints every problem and exits 1. {@code -q} prints nothing when the file is valid, as {@code haproxy -c -q}.
     */
    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate a configuration file and exit.")
    static final class Check implements Callable<Integer> {
        @Option(
                names = {"-c", "-f", "--config"},
                paramLabel = "FILE",
                description = "configuration file (HOCON), default ${DEFAULT-VALUE}",
                defaultValue = DEFAULT_CONFIG)
        Path config;

        @Option(
                names = {"-q", "--quiet"},
                description = "print nothing when the file is valid (problems are always printed)")
        boolean quiet;

        @Override
        public Integer call() {
            try {
                ProxyConfig cfg = ConfigLoader.load(config);
                if (!quiet) {
                    System.out.println("Configuration file is valid: " + config + " ("
                            + cfg.listens().size() + " listen section(s))");
                }
                return ExitCodes.OK;
            } catch (ConfigException e) {
                ConfigReport.print(new PrintWriter(System.err, true), config, e);
                return ExitCodes.CONFIG_INVALID;
            }
        }
    }

    /**
     * {@code understudy admin [-c FILE] [--socket PATH] "command"}: sends one command line to the admin socket (the
     * config's most privileged one unless {@code --socket} names another) and prints the answer, for hosts without
     * socat. Exit 0 when the proxy answered, 1 when it could not be reached.
     */
    @Command(
            name = "admin",
            mixinStandardHelpOptions = true,
            description = "Send a command to the running proxy's admin socket (like echo CMD | socat stdio SOCK).")
    static final class Admin implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        SocketChoice target;

        @picocli.CommandLine.Parameters(paramLabel = "COMMAND", description = "e.g. \"show stat\"", arity = "1..*")
        java.util.List<String> words;

        @Override
        public Integer call() {
            return send(target.config, target.socket, String.join(" ", words), reply -> ExitCodes.OK);
        }

        /**
         * Sends {@code line} to {@code socket}, or to the most privileged socket {@code config} names, prints the
         * answer and returns what {@code outcome} makes of it; 1 when the proxy cannot be reached.
         */
        static int send(Path config, Path socket, String line, java.util.function.ToIntFunction<String> outcome) {
            Path target = socket;
            if (target == null) {
                try {
                    target = ConfigLoader.load(config).admin().sockets().stream()
                            .max(java.util.Comparator.comparing(io.understudy.core.config.AdminSocketConfig::level))
                            .map(io.understudy.core.config.AdminSocketConfig::path)
                            .orElse(null);
                } catch (ConfigException e) {
                    ConfigReport.print(new PrintWriter(System.err, true), config, e);
                    return ExitCodes.CONFIG_INVALID;
                }
                if (target == null) {
                    System.err.println("understudy: " + config + " configures no admin socket (admin.sockets)");
                    return ExitCodes.CONFIG_INVALID;
                }
            }
            try {
                String reply = AdminClient.send(target, line);
                System.out.print(reply);
                System.out.flush();
                return outcome.applyAsInt(reply);
            } catch (java.io.IOException e) {
                System.err.println("understudy: cannot reach the admin socket " + target + ": " + e.getMessage()
                        + " (is the proxy running?)");
                return ExitCodes.CONFIG_INVALID;
            }
        }
    }

    /**
     * {@code understudy reload [-c FILE] [--socket PATH]}: asks the running proxy to read its configuration file again
     * and apply it in place (as SIGHUP and {@code systemctl reload} do), and prints what changed. Exit 0 when the new
     * file is in force, 1 when it was refused (nothing changed; the reasons are printed) or the proxy cannot be reached.
     */
    @Command(
            name = "reload",
            mixinStandardHelpOptions = true,
            description = "Make the running proxy read its configuration file again and apply it in place.")
    static final class Reload implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        SocketChoice target;

        @Override
        public Integer call() {
            return Admin.send(
                    target.config,
                    target.socket,
                    "reload",
                    reply -> reply.startsWith("Reload applied") ? ExitCodes.OK : ExitCodes.CONFIG_INVALID);
        }
    }

    /** Which admin socket {@code admin} and {@code reload} talk to: the config's most privileged, or {@code --socket}. */
    static final class SocketChoice {
        @Option(
                names = {"-c", "--config"},
                paramLabel = "FILE",
                description = "configuration file naming the admin socket, default ${DEFAULT-VALUE}",
                defaultValue = DEFAULT_CONFIG)
        Path config;

        @Option(names = "--socket", paramLabel = "PATH", description = "the admin socket to use instead")
        Path socket;
    }

    /** Supplies {@code --version}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Understudy " + Version.current(), "Java " + Runtime.version()};
        }
    }
}
