package dev.rosetta.proxy.metrics;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.routing.RouteChange;
import dev.rosetta.config.routing.RouteStore;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

class RouteMetricsTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RouteStore store = RouteStore.builder()
            .routes(List.of(new RouteConfig(
                    "orders", "orders-value", null, ConsumeConfig.of(1), ProduceConfig.of(1), FailurePolicy.DEFAULT)))
            .clock(clock)
            .build();

    @Test
    void aRolloutInProgressIsSeenSinceItsFirstRevisionAndVanishesWhenDone() {
        RouteMetrics.register(store, registry);
        assertThat(registry.find("rosetta.route.rollout.percent").gauges()).isEmpty();

        now.set(Instant.parse("2026-12-01T11:00:00Z"));
        store.apply(new RouteChange.Rollout("orders", RouteChange.Side.PRODUCE, 2, 10, "ops", "canary"));
        now.set(Instant.parse("2026-12-01T12:00:00Z"));
        store.apply(new RouteChange.Rollout("orders", RouteChange.Side.PRODUCE, 2, 50, "ops", "half"));

        assertThat(percent("produce", "2")).isEqualTo(50.0);
        assertThat(started("produce"))
                .isEqualTo(Instant.parse("2026-12-01T11:00:00Z").getEpochSecond());
        assertThat(registry.find("rosetta.route.rollout.started")
                        .tag("side", "consume")
                        .gauge())
                .isNull();

        store.apply(new RouteChange.Rollout("orders", RouteChange.Side.PRODUCE, 2, 100, "ops", "everyone"));
        assertThat(percent("produce", "2")).isEqualTo(100.0);
        assertThat(registry.find("rosetta.route.rollout.started").gauges())
                .as("a finished rollout is no longer in progress")
                .isEmpty();

        now.set(Instant.parse("2026-12-01T13:00:00Z"));
        store.rollback("orders", "ops", "too early");
        assertThat(percent("produce", "2")).isEqualTo(50.0);
        assertThat(started("produce"))
                .as("rolled back to 50%%: in progress again since the rollback")
                .isEqualTo(Instant.parse("2026-12-01T13:00:00Z").getEpochSecond());
    }

    private double percent(String side, String version) {
        Gauge g = registry.find("rosetta.route.rollout.percent")
                .tags("topic", "orders", "side", side, "version", version)
                .gauge();
        assertThat(g).as("percent gauge for %s v%s", side, version).isNotNull();
        return g.value();
    }

    private double started(String side) {
        Gauge g = registry.find("rosetta.route.rollout.started")
                .tags("topic", "orders", "side", side)
                .gauge();
        assertThat(g).as("started gauge for %s", side).isNotNull();
        return g.value();
    }
}
