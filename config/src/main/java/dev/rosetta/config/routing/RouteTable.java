package dev.rosetta.config.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ConsumeOverride;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.RouteConfig.RolloutConfig;

/**
 * An immutable snapshot of every route, compiled for fast decisions: routes indexed by topic,
 * client-id and principal globs precompiled. A route change never mutates a table; it makes a
 * new one (see {@code RouteStore}).
 *
 * <p>Decisions are per client: {@link #forClient(String, String)} resolves the overrides once
 * and returns a {@link ClientRoutes} whose per-topic {@link VersionDecision}s the proxy uses
 * per record. Use {@link ConnectionRoutes} to follow table changes from a connection.
 *
 * <p>Thread-safe. {@code forClient} costs one pass over the routes with overrides (cached per
 * distinct client, so usually a map lookup); decisions per record allocate nothing.
 */
public final class RouteTable {

    /** A table with no routes: every record passes as it is. */
    public static final RouteTable EMPTY = new RouteTable(List.of());

    private static final int CLIENT_CACHE_LIMIT = 4096;

    private final List<RouteConfig> routes;
    private final Map<String, Compiled> byTopic;
    private final boolean anyOverrides;
    private final ClientRoutes defaultClient;
    private final ConcurrentHashMap<ClientKey, ClientRoutes> clients = new ConcurrentHashMap<>();

    private RouteTable(List<RouteConfig> routes) {
        List<RouteConfig> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparing(RouteConfig::topic));
        this.routes = List.copyOf(sorted);
        Map<String, Compiled> index = new HashMap<>();
        boolean overrides = false;
        for (RouteConfig r : this.routes) {
            if (index.put(r.topic(), new Compiled(r)) != null) {
                throw new IllegalArgumentException("more than one route for topic '" + r.topic() + "'");
            }
            overrides |= r.consume() != null && !r.consume().overrides().isEmpty();
        }
        this.byTopic = Map.copyOf(index);
        this.anyOverrides = overrides;
        this.defaultClient = resolve(null, null, true);
    }

    /** A table of {@code routes}; at most one route per topic. */
    public static RouteTable of(Collection<RouteConfig> routes) {
        return routes.isEmpty() ? EMPTY : new RouteTable(List.copyOf(routes));
    }

    /** Every route, sorted by topic. */
    public List<RouteConfig> routes() {
        return routes;
    }

    /** The route for {@code topic}, or null when the topic is not routed. */
    public @Nullable RouteConfig route(String topic) {
        Compiled c = byTopic.get(topic);
        return c == null ? null : c.config;
    }

    /** Whether {@code topic} has any route: the proxy's cheap "must I decode this?" check. */
    public boolean routes(String topic) {
        return byTopic.containsKey(topic);
    }

    public boolean isEmpty() {
        return routes.isEmpty();
    }

    /** This table with {@code route} added or replacing the topic's route. */
    public RouteTable with(RouteConfig route) {
        List<RouteConfig> next = new ArrayList<>(routes.size() + 1);
        for (RouteConfig r : routes) {
            if (!r.topic().equals(route.topic())) {
                next.add(r);
            }
        }
        next.add(route);
        return new RouteTable(next);
    }

    /** This table without a route for {@code topic}. */
    public RouteTable without(String topic) {
        List<RouteConfig> next = new ArrayList<>(routes);
        next.removeIf(r -> r.topic().equals(topic));
        return next.size() == routes.size() ? this : of(next);
    }

    /**
     * The decisions for a client, with overrides matched against its {@code client.id} and
     * authenticated principal (either may be null). Obtain once per connection (or when the
     * client or table changes), not per record.
     */
    public ClientRoutes forClient(@Nullable String clientId, @Nullable String principal) {
        if (!anyOverrides) {
            return defaultClient;
        }
        ClientKey key = new ClientKey(clientId, principal);
        ClientRoutes cached = clients.get(key);
        if (cached != null) {
            return cached;
        }
        ClientRoutes resolved = resolve(clientId, principal, false);
        if (clients.size() < CLIENT_CACHE_LIMIT) {
            ClientRoutes raced = clients.putIfAbsent(key, resolved);
            return raced == null ? resolved : raced;
        }
        return resolved;
    }

    /**
     * For each route whose consume overrides one matches, the index of the first matching override of a client
     * with {@code clientId} and {@code principal} (either may be null); routes where none matches are absent.
     */
    public Map<String, Integer> matchingOverrides(@Nullable String clientId, @Nullable String principal) {
        Map<String, Integer> out = new HashMap<>();
        for (Compiled c : byTopic.values()) {
            int i = c.overrideIndex(clientId, principal);
            if (i >= 0) {
                out.put(c.config.topic(), i);
            }
        }
        return out;
    }

    private ClientRoutes resolve(@Nullable String clientId, @Nullable String principal, boolean anonymousDefaults) {
        Map<String, ClientRoutes.Slot> slots = new HashMap<>();
        for (Compiled c : byTopic.values()) {
            VersionDecision consume = anonymousDefaults ? c.consumeDefault : c.consumeFor(clientId, principal);
            slots.put(c.config.topic(), new ClientRoutes.Slot(c.config, consume, c.produce));
        }
        return new ClientRoutes(this, clientId, principal, slots);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteTable t && t.routes.equals(routes);
    }

    @Override
    public int hashCode() {
        return routes.hashCode();
    }

    @Override
    public String toString() {
        return "RouteTable" + routes;
    }

    private record ClientKey(
            @Nullable String clientId, @Nullable String principal) {}

    /** One route with its globs and decisions precompiled. */
    private static final class Compiled {
        final RouteConfig config;
        final @Nullable VersionDecision consumeDefault;
        final @Nullable VersionDecision produce;
        final Glob[] clientGlobs;
        final Glob[] principalGlobs;
        final VersionDecision[] overrideDecisions;

        Compiled(RouteConfig config) {
            this.config = Objects.requireNonNull(config);
            ConsumeConfig consume = config.consume();
            this.consumeDefault = consume == null ? null : decision(consume.version(), consume.rollout());
            ProduceConfig produce = config.produce();
            this.produce = produce == null ? null : decision(produce.version(), produce.rollout());
            List<ConsumeOverride> overrides = consume == null ? List.of() : consume.overrides();
            clientGlobs = new Glob[overrides.size()];
            principalGlobs = new Glob[overrides.size()];
            overrideDecisions = new VersionDecision[overrides.size()];
            for (int i = 0; i < overrides.size(); i++) {
                ConsumeOverride o = overrides.get(i);
                clientGlobs[i] = o.clientId() == null ? null : new Glob(o.clientId());
                principalGlobs[i] = o.principal() == null ? null : new Glob(o.principal());
                overrideDecisions[i] = VersionDecision.fixed(o.version());
            }
        }

        // An override pins a client to its version: the rollout does not apply to pinned clients.
        @Nullable
        VersionDecision consumeFor(@Nullable String clientId, @Nullable String principal) {
            int i = overrideIndex(clientId, principal);
            return i < 0 ? consumeDefault : overrideDecisions[i];
        }

        /** The first override that matches, or -1. */
        int overrideIndex(@Nullable String clientId, @Nullable String principal) {
            for (int i = 0; i < overrideDecisions.length; i++) {
                if ((clientGlobs[i] == null || clientGlobs[i].matches(clientId))
                        && (principalGlobs[i] == null || principalGlobs[i].matches(principal))) {
                    return i;
                }
            }
            return -1;
        }

        private static VersionDecision decision(int version, @Nullable RolloutConfig rollout) {
            return rollout == null
                    ? VersionDecision.fixed(version)
                    : new VersionDecision(version, rollout.version(), rollout.threshold());
        }
    }
}
