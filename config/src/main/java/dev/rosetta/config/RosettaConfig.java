package dev.rosetta.config;

import java.util.List;
import java.util.Objects;

/**
 * The whole configuration of one sidecar, as bound from one YAML file by {@link ConfigLoader}.
 * YAML keys are the record component names. Immutable and thread-safe; a new file makes a new
 * instance.
 *
 * @param listener   where clients connect (bootstrap port plus one port per broker node id)
 * @param upstream   the real Kafka cluster
 * @param registry   the schema registry ({@link RegistryConfig#url()} null means none)
 * @param translators where custom translator definitions live
 * @param admin      the admin HTTP API
 * @param routes     the route table's initial routes, one per topic (may be empty)
 * @param distribution how route changes reach the other sidecars of a fleet
 * @param audit      where route revisions are recorded
 */
public record RosettaConfig(
        ListenerConfig listener,
        UpstreamConfig upstream,
        RegistryConfig registry,
        TranslatorsConfig translators,
        AdminConfig admin,
        List<RouteConfig> routes,
        DistributionConfig distribution,
        AuditConfig audit) {

    public RosettaConfig {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(translators, "translators");
        Objects.requireNonNull(admin, "admin");
        routes = routes == null ? List.of() : List.copyOf(routes);
        Objects.requireNonNull(distribution, "distribution");
        Objects.requireNonNull(audit, "audit");
    }

    /** A single sidecar (no route distribution) without an audit log. */
    public RosettaConfig(
            ListenerConfig listener,
            UpstreamConfig upstream,
            RegistryConfig registry,
            TranslatorsConfig translators,
            AdminConfig admin,
            List<RouteConfig> routes) {
        this(
                listener,
                upstream,
                registry,
                translators,
                admin,
                routes,
                DistributionConfig.disabled(),
                AuditConfig.none());
    }

    /**
     * Every default applied, pointing at {@code bootstrapServers} (each {@code host:port}), no
     * routes, for one sidecar that keeps nothing on disk: route distribution off and no audit
     * log (embedded mode, tests). A YAML file instead defaults to distribution on and an audit
     * log next to the file.
     */
    public static RosettaConfig defaults(List<String> bootstrapServers) {
        return new RosettaConfig(
                ListenerConfig.defaults(),
                UpstreamConfig.defaults(bootstrapServers),
                RegistryConfig.none(),
                TranslatorsConfig.none(),
                AdminConfig.defaults(),
                List.of());
    }

    public RosettaConfig withListener(ListenerConfig value) {
        return new RosettaConfig(value, upstream, registry, translators, admin, routes, distribution, audit);
    }

    public RosettaConfig withUpstream(UpstreamConfig value) {
        return new RosettaConfig(listener, value, registry, translators, admin, routes, distribution, audit);
    }

    public RosettaConfig withRegistry(RegistryConfig value) {
        return new RosettaConfig(listener, upstream, value, translators, admin, routes, distribution, audit);
    }

    public RosettaConfig withTranslators(TranslatorsConfig value) {
        return new RosettaConfig(listener, upstream, registry, value, admin, routes, distribution, audit);
    }

    public RosettaConfig withAdmin(AdminConfig value) {
        return new RosettaConfig(listener, upstream, registry, translators, value, routes, distribution, audit);
    }

    public RosettaConfig withRoutes(List<RouteConfig> value) {
        return new RosettaConfig(listener, upstream, registry, translators, admin, value, distribution, audit);
    }

    public RosettaConfig withDistribution(DistributionConfig value) {
        return new RosettaConfig(listener, upstream, registry, translators, admin, routes, value, audit);
    }

    public RosettaConfig withAudit(AuditConfig value) {
        return new RosettaConfig(listener, upstream, registry, translators, admin, routes, distribution, value);
    }
}
