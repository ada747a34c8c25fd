package dev.rosetta.config.routing;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.rosetta.config.RouteConfig;

/**
 * One client's view of one {@link RouteTable}: for each routed topic, the consume decision
 * with this client's overrides already applied, and the produce decision. The proxy obtains
 * it once per connection (through {@link ConnectionRoutes}, which follows table changes) and
 * then, per partition, {@link #consume(String)} or {@link #produce(String)}, and per record
 * {@link VersionDecision#version}.
 *
 * <p>Immutable and thread-safe; lookups are one hash-map get with no allocation.
 */
public final class ClientRoutes {

    record Slot(
            RouteConfig route,
            @Nullable VersionDecision consume,
            @Nullable VersionDecision produce) {}

    private final RouteTable table;
    private final @Nullable String clientId;
    private final @Nullable String principal;
    private final Map<String, Slot> slots;

    ClientRoutes(RouteTable table, @Nullable String clientId, @Nullable String principal, Map<String, Slot> slots) {
        this.table = table;
        this.clientId = clientId;
        this.principal = principal;
        this.slots = Map.copyOf(slots);
    }

    /** The version this client reads from {@code topic}, or null when consumers get records as stored. */
    public @Nullable VersionDecision consume(String topic) {
        Slot s = slots.get(topic);
        return s == null ? null : s.consume();
    }

    /** The version records produced to {@code topic} are stored as, or null when stored as produced. */
    public @Nullable VersionDecision produce(String topic) {
        Slot s = slots.get(topic);
        return s == null ? null : s.produce();
    }

    /** The topic's route (subjects, failure policy), or null when not routed. */
    public @Nullable RouteConfig route(String topic) {
        Slot s = slots.get(topic);
        return s == null ? null : s.route();
    }

    /** Whether any topic is routed: when false the proxy can pass everything through. */
    public boolean isEmpty() {
        return slots.isEmpty();
    }

    /** The table these decisions were made from. */
    public RouteTable table() {
        return table;
    }

    @Override
    public String toString() {
        return "ClientRoutes[clientId=" + clientId + ", principal=" + principal + ", topics=" + slots.keySet() + "]";
    }
}
