package io.understudy.server.syslog;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.atomic.LongAdder;

/**
 * A logback appender for one syslog target: frames each event ({@link SyslogFrame}) with the target's facility and the
 * event's severity, and sends it if that severity is within the target's level. Never waits: a datagram that cannot
 * be sent at once is counted in {@link #dropped()}.
 */
final class SyslogAppender extends AppenderBase<ILoggingEvent> {
    private final SyslogFrame frame;
    private final SyslogSender sender;
    private final int facility;
    private final int maxSeverity;
    private final LongAdder dropped = new LongAdder();

    SyslogAppender(SyslogFrame frame, SyslogSender sender, int facility, int maxSeverity) {
        this.frame = frame;
        this.sender = sender;
        this.facility = facility;
        this.maxSeverity = maxSeverity;
    }

    @Override
    protected void append(ILoggingEvent e) {
        int severity = severity(e.getLevel());
        if (severity > maxSeverity) {
            return;
        }
        if (!sender.send(frame.frame(facility, severity, e.getTimeStamp(), e.getFormattedMessage()))) {
            dropped.increment();
        }
    }

    /** Syslog's severity for a logback level: ERROR err, WARN warning, INFO info (session lines), DEBUG debug. */
    static int severity(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return 3;
        }
        if (level.isGreaterOrEqual(Level.WARN)) {
            return 4;
        }
        return level.isGreaterOrEqual(Level.INFO) ? 6 : 7;
    }

    long dropped() {
        return dropped.sum() + sender.lostAfterSend();
    }

    @Override
    public void stop() {
        super.stop();
        sender.close();
    }
}
