package io.understudy.server.syslog;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.understudy.core.config.LogTarget;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Wires {@code global.log}'s targets into logback at start, so that logback.xml stays about the console: the session
 * lines ({@code understudy.session}) and the server and backend state sentences ({@code understudy.state}) go to every
 * target, as HAProxy sends its traffic and state logs to its {@code log} targets.
 */
public final class SyslogOutput implements AutoCloseable {
    /** The loggers whose lines HAProxy would send to syslog. */
    static final List<String> LOGGERS = List.of("understudy.session", "understudy.state");

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(SyslogOutput.class);

    /** Written at start, then only by close. */
    private final List<SyslogAppender> appenders;

    private SyslogOutput(List<SyslogAppender> appenders) {
        this.appenders = appenders;
    }

    /** Opens every target and attaches it; none when {@code targets} is empty or logback is not the logging backend. */
    public static SyslogOutput start(List<LogTarget> targets, String program, long pid) {
        if (targets.isEmpty()) {
            return new SyslogOutput(new ArrayList<>());
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            LOG.warn("global.log ignored: the logging backend is not logback");
            return new SyslogOutput(new ArrayList<>());
        }
        SyslogFrame frame = new SyslogFrame(program, pid);
        List<SyslogAppender> appenders = new ArrayList<>();
        SyslogOutput output = new SyslogOutput(appenders);
        try {
            for (LogTarget t : targets) {
                SyslogSender sender = t.udp().isPresent()
                        ? new UdpSender(t.udp().get())
                        : new UnixDatagramSender(t.unixSocket().orElseThrow());
                SyslogAppender a = new SyslogAppender(frame, sender, t.facility(), t.maxSeverity());
                a.setContext(context);
                a.setName("syslog " + t.describe());
                a.start();
                appenders.add(a);
                for (String name : LOGGERS) {
                    context.getLogger(name).addAppender(a);
                }
                LOG.info("logging sessions and state changes to syslog {}", t.describe());
            }
        } catch (RuntimeException e) {
            output.close();
            throw e;
        }
        return output;
    }

    /** Datagrams no target could send at once, since start. */
    public long dropped() {
        return appenders.stream().mapToLong(SyslogAppender::dropped).sum();
    }

    @Override
    public void close() {
        for (SyslogAppender a : appenders) {
            if (a.getContext() instanceof LoggerContext context) {
                for (String name : LOGGERS) {
                    Logger l = context.getLogger(name);
                    l.detachAppender(a);
                }
            }
            a.stop();
        }
        long dropped = dropped();
        if (dropped > 0) {
            LOG.warn("{} syslog datagrams could not be sent at once and were dropped", dropped);
        }
        appenders.clear();
    }
}
