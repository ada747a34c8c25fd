package dev.rosetta.proxy.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

/**
 * Fails a test class when Netty reports a leaked buffer while it ran.
 *
 * <p>Registered for every test class through JUnit's extension auto-detection. Surefire runs the
 * tests with {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked; Netty
 * reports a leak (an ERROR log line starting with "LEAK:") when it notices a tracked buffer was
 * garbage collected without being released. After each class this guard collects garbage and
 * allocates a few buffers so that pending reports surface, then fails on any report.
 */
public final class NettyLeakGuard implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
        LEAKS.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (int i = 0; i < 3 && LEAKS.isEmpty(); i++) {
            System.gc();
            for (int j = 0; j < 64; j++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(16);
                probe.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            throw new AssertionError("Netty reported " + LEAKS.size() + " leaked buffer(s) during "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", LEAKS));
        }
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new IllegalStateException(
                    "tests must run with -Dio.netty.leakDetection.level=paranoid (see the root pom's surefire.argLine)");
        }
        Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                String message = event.getFormattedMessage();
                if (message != null && message.contains("LEAK:")) {
                    LEAKS.add(message);
                }
            }
        };
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        installed = true;
    }
}
