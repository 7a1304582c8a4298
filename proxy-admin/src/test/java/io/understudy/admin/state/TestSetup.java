package io.understudy.admin.state;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.understudy.core.ProxyEngine;
import io.understudy.core.TestConfigs;
import io.understudy.core.config.AdminConfig;
import io.understudy.core.config.BackendConfig;
import io.understudy.core.config.Balance;
import io.understudy.core.config.CheckConfig;
import io.understudy.core.config.FailoverPolicy;
import io.understudy.core.config.FrontendConfig;
import io.understudy.core.config.GlobalConfig;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.ListenConfig;
import io.understudy.core.config.ProxyConfig;
import io.understudy.core.config.ServerConfig;
import io.understudy.core.model.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Configs, engines and log capture for the state tests: no network, the control plane works without binding. */
final class TestSetup {
    /** Checked with rise 1 and fall 1, so one check outcome a test submits marks a server down or up. */
    private static final CheckConfig CHECKED = TestConfigs.check(1, 1);

    private TestSetup() {}

    /** Backend {@code MySQL}: active {@code Primary} (weight 10), backup {@code Secondary}, active {@code Replica}. */
    static ProxyConfig config(FailoverPolicy.Failback failback, String... disabled) {
        List<String> off = List.of(disabled);
        List<ServerConfig> servers = List.of(
                server("Primary", 1, false, 10, off),
                server("Secondary", 2, true, 1, off),
                server("Replica", 3, false, 1, off));
        BackendConfig backend = new BackendConfig(
                "MySQL",
                Balance.FIRST,
                false,
                3,
                -1,
                Duration.ofMillis(20),
                Duration.ofSeconds(1),
                Duration.ofMinutes(1),
                servers,
                new FailoverPolicy(failback, true, true));
        FrontendConfig frontend = new FrontendConfig("MySQL", loopback(0), 100, Duration.ofMinutes(1));
        return new ProxyConfig(
                new GlobalConfig(Duration.ZERO, 1),
                List.of(new ListenConfig(frontend, backend)),
                new AdminConfig(List.of()),
                "test");
    }

    static ProxyConfig config() {
        return config(FailoverPolicy.Failback.AUTO);
    }

    private static ServerConfig server(String name, int id, boolean backup, int weight, List<String> disabled) {
        return new ServerConfig(name, id, loopback(33060 + id), backup, weight, 0, disabled.contains(name), CHECKED);
    }

    private static HostPort loopback(int port) {
        return new HostPort("127.0.0.1", port, new InetSocketAddress("127.0.0.1", port));
    }

    static Server server(ProxyEngine e, String id) {
        return e.control().server(id).orElseThrow();
    }

    /** The file's text, or "" while it does not exist. */
    static String text(Path p) {
        try {
            return Files.readString(p);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records what this package logs, for the duration of a test. */
    static final class Logs implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger("io.understudy.admin.state");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        Logs() {
            appender.start();
            logger.addAppender(appender);
        }

        List<String> at(Level level) {
            List<ILoggingEvent> events;
            // AppenderBase.doAppend synchronizes on the appender: copying under the same lock sees whole events.
            synchronized (appender) {
                events = List.copyOf(appender.list);
            }
            List<String> out = new ArrayList<>();
            for (ILoggingEvent e : events) {
                if (e.getLevel().equals(level)) {
                    out.add(e.getFormattedMessage());
                }
            }
            return out;
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
        }
    }

    /** Silences the control plane's transition log ("understudy.state") while a test makes a thousand changes. */
    static final class Quiet implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger("understudy.state");
        private final Level before = logger.getLevel();

        Quiet() {
            logger.setLevel(Level.ERROR);
        }

        @Override
        public void close() {
            logger.setLevel(before);
        }
    }
}
