package dev.rosetta.proxy.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.RolloutConfig;
import dev.rosetta.config.routing.RouteListener;
import dev.rosetta.config.routing.RouteRevision;
import dev.rosetta.config.routing.RouteStore;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * Rollouts as meters, for dashboards and the "rollout in progress too long" alert:
 *
 * <ul>
 *   <li>{@code rosetta_route_rollout_percent{topic, side, version}}: the ramped version's share for every
 *       configured rollout (no series for a side without one);
 *   <li>{@code rosetta_route_rollout_started_seconds{topic, side}}: since when (Unix seconds) a rollout has
 *       been in progress, that is between 0 and 100%: the time of the oldest revision in memory from which on
 *       every revision had that side in progress. No series once it reaches 0 or 100%.
 * </ul>
 *
 * Refreshed on every revision of the store. Thread-safe.
 */
public final class RouteMetrics implements RouteListener {
    private static final List<Side> SIDES = List.of(
            new Side("produce", r -> r.produce() == null ? null : r.produce().rollout()),
            new Side("consume", r -> r.consume() == null ? null : r.consume().rollout()));

    private final RouteStore store;
    private final MultiGauge percent;
    private final MultiGauge started;

    private record Side(String name, Function<RouteConfig, @Nullable RolloutConfig> rollout) {
        @Nullable
        RolloutConfig of(@Nullable RouteConfig route) {
            return route == null ? null : rollout.apply(route);
        }

        boolean inProgress(@Nullable RouteConfig route) {
            RolloutConfig r = of(route);
            return r != null && r.percent() > 0 && r.percent() < 100;
        }
    }

    private RouteMetrics(RouteStore store, MeterRegistry registry) {
        this.store = store;
        this.percent = MultiGauge.builder("rosetta.route.rollout.percent")
                .description("Share of records (produce) or clients (consume) given the ramped version, per rollout")
                .baseUnit("percent")
                .register(registry);
        this.started = MultiGauge.builder("rosetta.route.rollout.started")
                .description("Unix time since which a rollout has been in progress (between 0 and 100%)")
                .baseUnit("seconds")
                .register(registry);
    }

    /** Registers the meters and keeps them in step with {@code store}. */
    public static RouteMetrics register(RouteStore store, MeterRegistry registry) {
        RouteMetrics metrics = new RouteMetrics(store, registry);
        store.addListener(metrics);
        metrics.refresh(store.current());
        return metrics;
    }

    @Override
    public void onRevision(@Nullable RouteRevision previous, RouteRevision current) {
        refresh(current);
    }

    private synchronized void refresh(RouteRevision current) {
        List<MultiGauge.Row<?>> percents = new ArrayList<>();
        List<MultiGauge.Row<?>> since = new ArrayList<>();
        for (RouteConfig route : current.table().routes()) {
            for (Side side : SIDES) {
                RolloutConfig rollout = side.of(route);
                if (rollout == null) {
                    continue;
                }
                percents.add(MultiGauge.Row.of(
                        Tags.of(
                                "topic",
                                route.topic(),
                                "side",
                                side.name(),
                                "version",
                                Integer.toString(rollout.version())),
                        rollout.percent()));
                if (side.inProgress(route)) {
                    since.add(MultiGauge.Row.of(
                            Tags.of("topic", route.topic(), "side", side.name()),
                            inProgressSince(route.topic(), side, current).toEpochMilli() / 1000.0));
                }
            }
        }
        percent.register(percents, true);
        started.register(since, true);
    }

    /** The oldest revision in memory, up to {@code current}, from which on {@code side} stayed in progress. */
    private Instant inProgressSince(String topic, Side side, RouteRevision current) {
        Instant since = current.time();
        List<RouteRevision> history = store.history();
        for (int i = history.size() - 1; i >= 0; i--) {
            RouteRevision r = history.get(i);
            if (r.number() > current.number()) {
                continue; // a listener runs for each revision in order; newer ones are not its business yet
            }
            if (!side.inProgress(r.table().route(topic))) {
                break;
            }
            since = r.time();
        }
        return since;
    }
}
