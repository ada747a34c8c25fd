package dev.rosetta.proxy.fuzz;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/**
 * Raises loggers to ERROR while a fuzz test runs: a fuzzer sends thousands of refused requests a second, and an
 * INFO or WARN line for each would cost more than the request. Puts the levels back on {@link #close()}.
 */
final class QuietLogs implements AutoCloseable {
    private final Map<Logger, Level> before = new LinkedHashMap<>();

    QuietLogs(String... loggerNames) {
        for (String name : loggerNames) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            before.put(logger, logger.getLevel());
            logger.setLevel(Level.ERROR);
        }
    }

    @Override
    public void close() {
        before.forEach(Logger::setLevel);
    }
}
