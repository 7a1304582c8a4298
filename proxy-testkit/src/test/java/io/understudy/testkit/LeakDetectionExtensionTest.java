package io.understudy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import ch.qos.logback.classic.Logger;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.slf4j.LoggerFactory;

/** The leak check must be able to fail: a class that leaks a buffer fails, a class that does not passes. */
class LeakDetectionExtensionTest {
    private static final String RUN_SAMPLES = "understudy.leak-samples";

    @Test
    void failsAClassThatLeaksABuffer() {
        Events[] classes = new Events[1];
        quietLeakLogger(() -> classes[0] = run(LeakingSample.class));

        classes[0]
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                container(LeakingSample.class),
                                finishedWithFailure(
                                        instanceOf(AssertionError.class),
                                        message(m -> m.contains("LEAK:")
                                                && m.contains(LeakingSample.class.getSimpleName())))));
    }

    @Test
    void passesAClassThatReleasesItsBuffers() {
        Events classes = run(TidySample.class);

        classes.assertStatistics(stats -> stats.failed(0).succeeded(2));
    }

    @Test
    void captureKeepsOnlyLeakReports() {
        quietLeakLogger(() -> {
            try (LeakCapture capture = LeakCapture.open()) {
                LoggerFactory.getLogger(LeakCapture.LEAK_LOGGER).error("LEAK: ByteBuf.release() was not called");
                LoggerFactory.getLogger(LeakCapture.LEAK_LOGGER).error("unrelated error");
                assertThat(capture.leaks()).containsExactly("LEAK: ByteBuf.release() was not called");
            }
        });
    }

    /**
     * Runs {@code body} with the leak logger's reports kept off the console: the capture's appender sits on that
     * logger itself, and deliberate leaks in the build output would alarm anyone grepping it for "LEAK:".
     */
    private static void quietLeakLogger(Runnable body) {
        Logger nettyLeaks = (Logger) LoggerFactory.getLogger(LeakCapture.LEAK_LOGGER);
        nettyLeaks.setAdditive(false);
        try {
            body.run();
        } finally {
            nettyLeaks.setAdditive(true);
        }
    }

    private static Events run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(RUN_SAMPLES, "true")
                .selectors(selectClass(sample))
                .execute()
                .containerEvents();
    }

    /** Keeps the samples below from running (and failing) as ordinary tests of this module. */
    static final class OnlyUnderEngineTestKit implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(RUN_SAMPLES).isPresent()
                    ? ConditionEvaluationResult.enabled("run by LeakDetectionExtensionTest")
                    : ConditionEvaluationResult.disabled("a sample for LeakDetectionExtensionTest");
        }
    }

    @ExtendWith(OnlyUnderEngineTestKit.class)
    @ExtendWith(LeakDetectionExtension.class)
    static class LeakingSample {
        private static ResourceLeakDetector.Level previous;

        @BeforeAll
        static void trackEveryBuffer() {
            // Paranoid tracks every buffer, so this one leak is certain to be tracked even outside the Maven build.
            previous = ResourceLeakDetector.getLevel();
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }

        @AfterAll
        static void restoreLevel() {
            ResourceLeakDetector.setLevel(previous);
        }

        @Test
        void leaksABuffer() {
            ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(64);
            leaked.writeInt(42);
            // Deliberately never released: the reference dies with this frame.
        }
    }

    @ExtendWith(OnlyUnderEngineTestKit.class)
    @ExtendWith(LeakDetectionExtension.class)
    static class TidySample {
        @Test
        void releasesItsBuffer() {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(64);
            buf.writeInt(42);
            buf.release();
        }
    }
}
