package dev.rosetta.proxy.translate;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeOverride;
import dev.rosetta.config.routing.RouteTable;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How many connections each consume override of each route matched, so an operator can see that a
 * {@code principal:} or {@code clientId:} override reaches the clients it was written for. A connection counts
 * once per identity (client id and principal) it presents. Counted as
 * {@code rosetta_route_override_connections_total{topic, override}}, where {@code override} describes the match,
 * e.g. {@code principal=User:bob}; the admin API serves the counts at {@code GET /routes/{topic}/overrides}.
 * Thread-safe.
 */
public final class OverrideMatches {
    static final String METER = "rosetta.route.override.connections";

    private final MeterRegistry registry;

    public OverrideMatches(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A connection presented this identity under {@code table}: counts the overrides it matches. */
    void identified(RouteTable table, @Nullable String clientId, @Nullable String principal) {
        for (Map.Entry<String, Integer> match :
                table.matchingOverrides(clientId, principal).entrySet()) {
            RouteConfig route = table.route(match.getKey());
            if (route == null || route.consume() == null) {
                continue;
            }
            ConsumeOverride override = route.consume().overrides().get(match.getValue());
            counter(registry, match.getKey(), override).increment();
        }
    }

    /** {@code clientId=legacy-*}, {@code principal=User:bob}, or both joined by a comma. */
    public static String describe(ConsumeOverride o) {
        StringBuilder sb = new StringBuilder();
        if (o.clientId() != null) {
            sb.append("clientId=").append(o.clientId());
        }
        if (o.principal() != null) {
            sb.append(sb.length() == 0 ? "" : ",").append("principal=").append(o.principal());
        }
        return sb.toString();
    }

    /** Connections that matched {@code override} of {@code topic}'s route so far, read from {@code registry}. */
    public static long connections(MeterRegistry registry, String topic, ConsumeOverride override) {
        Counter c = registry.find(METER)
                .tags("topic", topic, "override", describe(override))
                .counter();
        return c == null ? 0 : (long) c.count();
    }

    private static Counter counter(MeterRegistry registry, String topic, ConsumeOverride override) {
        return Counter.builder(METER)
                .description("Client connections whose client id and principal matched a route's consume override")
                .tags("topic", topic, "override", describe(override))
                .register(registry);
    }
}
