package io.understudy.testkit;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that fails a test class if Netty's {@code ResourceLeakDetector} reported a leaked buffer while
 * the class ran. Use {@code @ExtendWith(LeakDetectionExtension.class)}, or enable JUnit's extension auto-detection
 * ({@code junit.jupiter.extensions.autodetection.enabled=true}) to apply it to every class. Leaks are reported only
 * as often as the leak detection level allows; the build runs tests with {@code -Dio.netty.leakDetection.level=paranoid}.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LeakDetectionExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        store(context).put(context.getUniqueId(), LeakCapture.open());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LeakCapture capture = store(context).remove(context.getUniqueId(), LeakCapture.class);
        if (capture == null) {
            return;
        }
        List<String> leaks;
        try {
            LeakProvoker.provoke(() -> !capture.leaks().isEmpty());
            leaks = capture.leaks();
        } finally {
            capture.close();
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) reported while " + context.getDisplayName()
                    + " ran:\n" + String.join("\n\n", leaks));
        }
    }

    private static ExtensionContext.Store store(ExtensionContext context) {
        return context.getStore(NAMESPACE);
    }
}
