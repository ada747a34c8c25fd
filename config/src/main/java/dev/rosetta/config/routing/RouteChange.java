package dev.rosetta.config.routing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.rosetta.config.ConfigException;
import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.RouteConfig.RolloutConfig;

/**
 * A requested change to the routes, with who asked for it and why. Each kind computes the
 * next {@link RouteTable} from the current one; an impossible change (a rollout on an
 * unrouted topic, a bad percentage) raises {@link ConfigException} and changes nothing.
 *
 * <p>{@link Rollback} is a request only: a {@link RouteStore} resolves it against its history
 * into a {@link Restore} (which names the routes it restores), and that is what a revision
 * records and what is distributed to other sidecars. Immutable values.
 */
public sealed interface RouteChange {

    /** Who made the change: a user, {@code "file"} for hot reload, a sidecar id. */
    String actor();

    /** Why, in the actor's words (may be empty). */
    String reason();

    /** A short description for logs, e.g. {@code rollout orders consume v2 at 25%}. */
    String describe();

    /** Which side of a route a rollout changes. */
    enum Side {
        CONSUME,
        PRODUCE
    }

    /** Adds or replaces the route of {@code route.topic()}. */
    record Put(RouteConfig route, String actor, String reason) implements RouteChange {
        public Put {
            Objects.requireNonNull(route, "route");
            actor = orUnknown(actor);
            reason = orEmpty(reason);
        }

        @Override
        public String describe() {
            return "put " + route.topic();
        }
    }

    /** Removes the route of {@code topic}; its records then pass as they are. */
    record Remove(String topic, String actor, String reason) implements RouteChange {
        public Remove {
            Objects.requireNonNull(topic, "topic");
            actor = orUnknown(actor);
            reason = orEmpty(reason);
        }

        @Override
        public String describe() {
            return "remove " + topic;
        }
    }

    /** Replaces every route (a configuration file reload). */
    record ReplaceAll(List<RouteConfig> routes, String actor, String reason) implements RouteChange {
        public ReplaceAll {
            routes = List.copyOf(routes);
            actor = orUnknown(actor);
            reason = orEmpty(reason);
        }

        @Override
        public String describe() {
            return "replace all routes (" + routes.size() + ")";
        }
    }

    /**
     * Ramps {@code version} on one side of an existing route to {@code percent} (0..100, at
     * most three decimals). A rollout whose version equals the side's stable version ends the
     * rollout.
     */
    record Rollout(String topic, Side side, int version, double percent, String actor, String reason)
            implements RouteChange {
        public Rollout {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(side, "side");
            actor = orUnknown(actor);
            reason = orEmpty(reason);
        }

        @Override
        public String describe() {
            return "rollout " + topic + " " + side.name().toLowerCase(java.util.Locale.ROOT) + " v" + version + " at "
                    + BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString() + "%";
        }
    }

    /** Goes back to the routes before the last change of {@code topic}, or of everything when {@code topic} is null. */
    record Rollback(@Nullable String topic, String actor, String reason) implements RouteChange {
        public Rollback {
            actor = orUnknown(actor);
            reason = orEmpty(reason);
        }

        @Override
        public String describe() {
            return topic == null ? "rollback all routes" : "rollback " + topic;
        }
    }

    /**
     * A resolved rollback: sets {@code topic}'s route (or, when {@code topic} is null, every
     * route) to what it was in revision {@code restores}.
     *
     * @param routes the restored routes: for a topic, zero (it had none) or one route
     */
    record Restore(@Nullable String topic, List<RouteConfig> routes, long restores, String actor, String reason)
            implements RouteChange {
        public Restore {
            routes = List.copyOf(routes);
            actor = orUnknown(actor);
            reason = orEmpty(reason);
            if (topic != null
                    && (routes.size() > 1
                            || routes.size() == 1 && !routes.get(0).topic().equals(topic))) {
                throw new IllegalArgumentException("a topic restore carries at most that topic's route");
            }
        }

        @Override
        public String describe() {
            return (topic == null ? "rollback all routes" : "rollback " + topic) + " to revision " + restores;
        }
    }

    /**
     * The table after this change. Not for {@link Rollback}, which needs history: a
     * {@link RouteStore} resolves it first.
     */
    static RouteTable applyTo(RouteChange change, RouteTable table) {
        if (change instanceof Put p) {
            return table.with(p.route());
        }
        if (change instanceof Remove r) {
            if (table.route(r.topic()) == null) {
                throw invalid(r, "topic", r.topic(), "has no route to remove");
            }
            return table.without(r.topic());
        }
        if (change instanceof ReplaceAll all) {
            try {
                return RouteTable.of(all.routes());
            } catch (IllegalArgumentException e) {
                throw invalid(all, "routes", null, e.getMessage());
            }
        }
        if (change instanceof Rollout r) {
            return table.with(rollout(r, table.route(r.topic())));
        }
        if (change instanceof Restore r) {
            if (r.topic() == null) {
                return RouteTable.of(r.routes());
            }
            return r.routes().isEmpty()
                    ? table.without(r.topic())
                    : table.with(r.routes().get(0));
        }
        throw new IllegalArgumentException(change.describe() + " must be resolved by a RouteStore first");
    }

    private static RouteConfig rollout(Rollout r, @Nullable RouteConfig route) {
        if (route == null) {
            throw invalid(r, "topic", r.topic(), "has no route; create one (PUT the route) before a rollout");
        }
        if (r.version() < 1) {
            throw invalid(r, "version", String.valueOf(r.version()), "must be a schema version >= 1");
        }
        BigDecimal p = BigDecimal.valueOf(r.percent());
        if (!(r.percent() >= 0 && r.percent() <= 100) || p.stripTrailingZeros().scale() > 3) {
            throw invalid(
                    r,
                    "percent",
                    p.toPlainString(),
                    "must be a percentage from 0 to 100 with at most 3 decimals (e.g. 5, 12.5, 0.125)");
        }
        if (r.side() == Side.CONSUME) {
            ConsumeConfig c = route.consume();
            if (c == null) {
                throw invalid(r, "side", "consume", "topic '" + r.topic() + "' has no consume side; add one first");
            }
            RolloutConfig next = r.version() == c.version() ? null : new RolloutConfig(r.version(), r.percent());
            return checked(r, () -> route.withConsume(c.withRollout(next)));
        }
        ProduceConfig pc = route.produce();
        if (pc == null) {
            throw invalid(r, "side", "produce", "topic '" + r.topic() + "' has no produce side; add one first");
        }
        RolloutConfig next = r.version() == pc.version() ? null : new RolloutConfig(r.version(), r.percent());
        return checked(r, () -> route.withProduce(pc.withRollout(next)));
    }

    /** The changed route, or the reason the route refuses it (e.g. a version its keyVersions does not map) as a ConfigException. */
    private static RouteConfig checked(Rollout r, java.util.function.Supplier<RouteConfig> change) {
        try {
            return change.get();
        } catch (IllegalArgumentException e) {
            throw invalid(r, "version", String.valueOf(r.version()), e.getMessage());
        }
    }

    /** A {@link ConfigException} naming this change as the source, e.g. for an admin API 400 body. */
    static ConfigException invalid(RouteChange change, String path, @Nullable String value, @Nullable String reason) {
        return new ConfigException(List.of(new ConfigException.Problem(
                change.describe(), 0, path, value, reason != null ? reason : "is not valid")));
    }

    /** Topics whose route differs between two tables, sorted. */
    static List<String> changedTopics(RouteTable before, RouteTable after) {
        List<String> changed = new ArrayList<>();
        for (RouteConfig r : after.routes()) {
            if (!r.equals(before.route(r.topic()))) {
                changed.add(r.topic());
            }
        }
        for (RouteConfig r : before.routes()) {
            if (after.route(r.topic()) == null) {
                changed.add(r.topic());
            }
        }
        changed.sort(null);
        return changed;
    }

    private static String orUnknown(String actor) {
        return actor == null || actor.isBlank() ? "unknown" : actor;
    }

    private static String orEmpty(String reason) {
        return reason == null ? "" : reason;
    }
}
