package dev.rosetta.config;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How a fleet of sidecars agrees on routes: every route change is published to a compacted,
 * single-partition topic on the upstream cluster and every sidecar applies changes in that
 * topic's order (see {@code KafkaRouteDistribution}).
 *
 * @param enabled   publish and follow route changes through the topic (YAML default true);
 *                  false keeps routes local to this sidecar
 * @param topic     the routes topic (default {@value #DEFAULT_TOPIC}); created compacted when missing
 * @param sidecarId this sidecar's name in logs and route records, or null for a generated one
 */
public record DistributionConfig(
        boolean enabled, String topic, @Nullable String sidecarId) {

    public static final String DEFAULT_TOPIC = "_rosetta_routes";

    public DistributionConfig {
        Objects.requireNonNull(topic, "topic");
        String problem = RouteConfig.topicProblem(topic);
        if (problem != null) {
            throw new IllegalArgumentException("distribution topic: " + problem);
        }
        if (sidecarId != null && sidecarId.isBlank()) {
            sidecarId = null;
        }
    }

    /** Enabled, on {@value #DEFAULT_TOPIC}, with a generated sidecar id: what a YAML file gets by default. */
    public static DistributionConfig defaults() {
        return new DistributionConfig(true, DEFAULT_TOPIC, null);
    }

    /** Routes stay local to one sidecar. */
    public static DistributionConfig disabled() {
        return new DistributionConfig(false, DEFAULT_TOPIC, null);
    }
}
