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
        subcommands = {Main.Check.class},
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

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != ExitCodes.OK || !isRun(args)) {
            System.exit(code);
        }
    }

    private static boolean isRun(String[] args) {
        for (String a : args) {
            if (a.equals("check")
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
        Understudy proxy = new Understudy(cfg);
        try {
            proxy.start();
        } catch (BindFailedException e) {
            err.println("understudy: " + e.getMessage());
            proxy.close();
            return ExitCodes.START_FAILED;
        }
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

    /** {@code understudy check -c FILE}: validates and exits 0, or prints every problem and exits 1. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate a configuration file and exit.")
    static final class Check implements Callable<Integer> {
        @Option(
                names = {"-c", "--config"},
                paramLabel = "FILE",
                description = "configuration file (HOCON), default ${DEFAULT-VALUE}",
                defaultValue = DEFAULT_CONFIG)
        Path config;

        @Override
        public Integer call() {
            try {
                ProxyConfig cfg = ConfigLoader.load(config);
                System.out.println("Configuration file is valid: " + config + " ("
                        + cfg.listens().size() + " listen section(s))");
                return ExitCodes.OK;
            } catch (ConfigException e) {
                ConfigReport.print(new PrintWriter(System.err, true), config, e);
                return ExitCodes.CONFIG_INVALID;
            }
        }
    }

    /** Supplies {@code --version}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Understudy " + Version.current(), "Java " + Runtime.version()};
        }
    }
}
