package io.understudy.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Collects the "LEAK:" reports Netty's {@code ResourceLeakDetector} logs, via a Logback appender attached to its
 * logger while the capture is open. Each capture sees only reports logged while it was attached.
 */
public final class LeakCapture implements AutoCloseable {
    /** The logger Netty's leak detector reports through (its class name). */
    public static final String LEAK_LOGGER = "io.netty.util.ResourceLeakDetector";

    private final Logger logger;
    private final Appender appender = new Appender();
    private final Level previousLevel;

    private LeakCapture(Logger logger) {
        this.logger = logger;
        this.previousLevel = logger.getLevel();
        if (!logger.isErrorEnabled()) {
            // Netty only reports leaks when its logger has ERROR enabled; a quiet logging config must not hide them.
            logger.setLevel(Level.ERROR);
        }
        appender.setContext(logger.getLoggerContext());
        appender.setName("understudy-leak-capture-" + System.identityHashCode(this));
        appender.start();
        logger.addAppender(appender);
    }

    /** Starts capturing. Fails if SLF4J is not bound to Logback, since then nothing could be captured. */
    public static LeakCapture open() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            throw new IllegalStateException("leak detection needs Logback as the SLF4J binding, found "
                    + factory.getClass().getName());
        }
        return new LeakCapture(context.getLogger(LEAK_LOGGER));
    }

    /** The leak reports captured so far. */
    public List<String> leaks() {
        return appender.snapshot();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
    }

    private static final class Appender extends AppenderBase<ILoggingEvent> {
        private final List<String> messages = new ArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            if (message != null && message.startsWith("LEAK:")) {
                synchronized (messages) {
                    messages.add(message);
                }
            }
        }

        List<String> snapshot() {
            synchronized (messages) {
                return List.copyOf(messages);
            }
        }
    }
}
