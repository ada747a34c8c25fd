package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RepeatedWarningsTest {
    private final AtomicLong now = new AtomicLong();
    private final RepeatedWarnings warnings = new RepeatedWarnings(now::get);

    @Test
    void aClientRetryingEverySecondIsLoggedOnceAMinuteWithTheCountLeftOut() {
        String refused = "upstream 127.0.0.1:9092 refused the connection";
        assertThat(warnings.admit(new InetSocketAddress("10.0.0.7", 50_001), refused))
                .isEmpty();
        for (int i = 1; i < 60; i++) {
            now.set(TimeUnit.SECONDS.toNanos(i));
            assertThat(warnings.admit(new InetSocketAddress("10.0.0.7", 50_001 + i), refused))
                    .as("a repeat from another port of the same host within the minute")
                    .isNull();
        }
        assertThat(warnings.admit(new InetSocketAddress("10.0.0.8", 50_001), refused))
                .as("another client is news")
                .isEmpty();
        now.set(TimeUnit.SECONDS.toNanos(61));
        assertThat(warnings.admit(new InetSocketAddress("10.0.0.7", 60_000), refused))
                .contains("59 more like it from 10.0.0.7");
        assertThat(warnings.admit(new InetSocketAddress("10.0.0.7", 60_001), "frame size -5 is outside the range"))
                .as("another kind of warning is news")
                .isEmpty();
    }
}
