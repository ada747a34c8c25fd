package dev.rosetta.proxy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.CommonClientConfigs;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.ConfigLoader;
import dev.rosetta.config.DistributionConfig;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.config.TranslatorsConfig;
import dev.rosetta.config.distribution.KafkaRouteDistribution;
import dev.rosetta.config.reload.ConfigWatcher;
import dev.rosetta.config.routing.AuditLog;
import dev.rosetta.config.routing.RouteChanges;
import dev.rosetta.config.routing.RouteRevision;
import dev.rosetta.config.routing.RouteStore;
import dev.rosetta.proxy.admin.AdminServer;
import dev.rosetta.proxy.admin.ReadinessCheck;
import dev.rosetta.proxy.metrics.RouteMetrics;
import dev.rosetta.proxy.net.ProxyServer;
import dev.rosetta.proxy.translate.RecordTranslation;
import dev.rosetta.translators.registry.SchemaRegistry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One running Rosetta sidecar assembled from its configuration: the route store (with its
 * audit log), route distribution across the fleet, hot reload of the configuration file, the
 * Kafka protocol proxy and the admin HTTP API (routes, health, readiness, Prometheus metrics).
 *
 * <p>{@link #start()} returns once every listener accepts connections; routes may still be
 * catching up with the fleet's routes topic then ({@link #routesReady()}, {@code /readyz}).
 * {@link #close()} stops everything. Thread-safe.
 *
 * <p>Route changes made while running must go through {@link #routeChanges()} (the admin API
 * and hot reload do): with distribution on, that is the routes topic, which assigns revision
 * numbers for the whole fleet. {@link #routeStore()} is for reading: {@code routeStore().table()}
 * is one volatile read, cheap enough per request.
 */
public final class Sidecar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);

    private final RosettaConfig config;
    private final @Nullable Path configFile;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // set by start() (those that are configured), cleared by close()
    private @Nullable AuditLog auditLog;
    private @Nullable RouteStore routeStore;
    private @Nullable KafkaRouteDistribution distribution;
    private @Nullable RouteChanges routeChanges;
    private @Nullable ConfigWatcher watcher;
    private @Nullable ProxyServer proxy;
    private @Nullable AdminServer admin;
    private final @Nullable SchemaRegistry givenSchemaRegistry;
    private @Nullable RecordTranslation translation;

    /** A sidecar from a configuration built in code: no hot reload. */
    public Sidecar(RosettaConfig config) {
        this(config, null);
    }

    /**
     * A sidecar whose configuration was loaded from {@code configFile}: saving the file applies
     * its routes while running (other sections need a restart).
     *
     * @param configFile the file {@code config} was loaded from, or null for no hot reload
     */
    public Sidecar(RosettaConfig config, @Nullable Path configFile) {
        this(config, configFile, null);
    }

    /**
     * A sidecar that translates with {@code schemaRegistry} instead of a client for
     * {@code registry.url} (embedded mode, tests).
     */
    public Sidecar(RosettaConfig config, @Nullable Path configFile, @Nullable SchemaRegistry schemaRegistry) {
        this.config = Objects.requireNonNull(config, "config");
        this.configFile = configFile;
        this.givenSchemaRegistry = schemaRegistry;
    }

    /**
     * Loads {@code configFile} and returns a sidecar that hot-reloads it.
     *
     * @throws dev.rosetta.config.ConfigException when the file is invalid
     */
    public static Sidecar fromFile(Path configFile) {
        return new Sidecar(ConfigLoader.load(configFile), configFile);
    }

    public synchronized Sidecar start() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        try {
            startRoutes();
            startTranslation();
            proxy = new ProxyServer(
                            config.listener(),
                            config.upstream(),
                            registry,
                            translation == null ? List.of() : translation.responseFilters(),
                            translation == null ? List.of() : translation.requestFilters())
                    .start();
            if (config.admin().enabled()) {
                admin = new AdminServer(config.admin(), registry, routeChanges(), readinessChecks()).start();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        logPrincipalOverrides();
        AdminServer adminServer = admin;
        LOG.info(
                "Rosetta sidecar started: clients bootstrap at {}{}; routes at revision {}{}",
                proxy().bootstrapServers(),
                adminServer == null ? ", admin API disabled" : ", admin API at " + adminServer.baseUrl(),
                routeStore().current().number(),
                distribution == null
                        ? " (not shared with other sidecars)"
                        : " (following topic " + config.distribution().topic() + " as " + distribution.sidecarId()
                                + ")");
        return this;
    }

    private void startRoutes() {
        Path auditFile = config.audit().file();
        if (auditFile != null) { // null when the audit log is turned off
            auditLog = new AuditLog(auditFile);
        }
        RouteStore store = RouteStore.builder()
                .routes(config.routes())
                .initialActor(
                        configFile == null ? "config" : "file",
                        configFile == null ? "initial routes" : "initial routes from " + configFile.getFileName())
                .auditLog(auditLog)
                .build();
        routeStore = store;
        Gauge.builder("rosetta.routes.revision", store, s -> s.current().number())
                .description("Revision of the routes in force (the same number on every sidecar of a fleet)")
                .register(registry);
        Gauge.builder("rosetta.routes.topics", store, s -> s.table().routes().size())
                .description("Topics with a route")
                .register(registry);
        RouteMetrics.register(store, registry);
        DistributionConfig d = config.distribution();
        if (d.enabled()) {
            KafkaRouteDistribution.Builder builder = KafkaRouteDistribution.builder(
                            store, config.upstream().bootstrapServers())
                    .topic(d.topic());
            String sidecarId = d.sidecarId();
            if (sidecarId != null) {
                builder.sidecarId(sidecarId);
            }
            UpstreamClientProperties.of(config.upstream()).forEach(builder::clientProperty);
            KafkaRouteDistribution started = builder.start();
            distribution = started;
            routeChanges = started;
        } else {
            routeChanges = store;
        }
        if (configFile != null) {
            watcher = ConfigWatcher.builder(configFile, routeChanges())
                    .initial(config)
                    .start();
        }
    }

    private void startTranslation() {
        SchemaRegistry schemas =
                givenSchemaRegistry != null ? givenSchemaRegistry : RecordTranslation.registryFor(config.registry());
        if (schemas == null) {
            if (!config.routes().isEmpty()) {
                LOG.warn(
                        "{} route(s) configured but no schema registry (registry.url): records pass untranslated until one is configured",
                        config.routes().size());
            }
            return;
        }
        Map<String, Object> clientProps = new HashMap<>();
        clientProps.put(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                String.join(",", config.upstream().bootstrapServers()));
        clientProps.putAll(UpstreamClientProperties.of(config.upstream()));
        TranslatorsConfig translators = config.translators() != null ? config.translators() : TranslatorsConfig.none();
        translation = new RecordTranslation(
                schemas,
                translators,
                routeStore()::table,
                clientProps,
                registry,
                new RecordTranslation.Options(config.listener().fetchCodec(), translators.batchCacheBytes()));
    }

    /** Routes with principal overrides: say once how this sidecar learns principals, or that it cannot know. */
    private void logPrincipalOverrides() {
        List<String> topics = config.routes().stream()
                .filter(r ->
                        r.consume() != null && r.consume().overrides().stream().anyMatch(o -> o.principal() != null))
                .map(dev.rosetta.config.RouteConfig::topic)
                .toList();
        if (topics.isEmpty()) {
            return;
        }
        var tls = config.listener().tls();
        boolean certificates = tls != null && tls.trustedCertificates() != null;
        if (config.upstream().sasl() != null || certificates) {
            LOG.info(
                    "Routes of {} have principal overrides: principals are learned from clients' SASL exchanges with"
                            + " the broker (PLAIN, SCRAM, OAUTHBEARER claim '{}'){}; GSSAPI clients get none",
                    topics,
                    config.listener().principals().oauthbearerClaim(),
                    certificates ? " and from verified client certificates on this TLS listener" : "");
        } else {
            LOG.warn(
                    "Routes of {} have principal overrides, but this sidecar sees no sign of authentication: no"
                            + " upstream.sasl and no client certificates on the listener. Principals are learned only"
                            + " from clients' SASL exchanges with the broker (PLAIN, SCRAM, OAUTHBEARER); clients that"
                            + " do not authenticate never match a principal override",
                    topics);
        }
    }

    private List<ReadinessCheck> readinessChecks() {
        List<ReadinessCheck> checks = new ArrayList<>();
        if (translation != null) {
            RecordTranslation t = translation;
            checks.add(ReadinessCheck.of("registry", t::registryNotReadyReason, t::registryDegradedReason));
        }
        if (distribution != null) {
            String topic = config.distribution().topic();
            KafkaRouteDistribution dist = distribution;
            checks.add(ReadinessCheck.of(
                    "routes",
                    () -> {
                        CompletableFuture<RouteRevision> ready = dist.ready();
                        if (!ready.isDone()) {
                            return "reading the routes topic " + topic + " on the upstream cluster";
                        }
                        if (ready.isCompletedExceptionally()) {
                            return "route distribution over " + topic + " failed: "
                                    + ready.handle((r, e) -> rootMessage(e)).join();
                        }
                        return null;
                    },
                    dist::unavailableReason));
            Gauge.builder("rosetta.routes.topic.available", dist, d -> d.unavailableReason() == null ? 1 : 0)
                    .description("1 while the routes topic can be read; 0 while it cannot (this sidecar keeps its"
                            + " routes and refuses changes; /readyz says why)")
                    .register(registry);
        }
        for (ReadinessCheck check : checks) {
            Gauge.builder("rosetta.readiness", check, c -> c.notReadyReason() == null ? 1 : 0)
                    .description("1 while this /readyz check passes, 0 while it does not (the body says why)")
                    .tag("check", check.name())
                    .register(registry);
        }
        return checks;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** The running proxy; set by {@link #start()}. */
    public ProxyServer proxy() {
        return started(proxy, "proxy");
    }

    private static <T> T started(@Nullable T part, String name) {
        return Objects.requireNonNull(part, () -> "the sidecar's " + name + " exists from start() until close()");
    }

    /** The admin API, or {@code null} when disabled in the configuration. */
    public @Nullable AdminServer admin() {
        return admin;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * The routes in force and their history; set by {@link #start()}. Read from it
     * ({@code table()}, {@code current()}, {@code history()}, {@code addListener}); submit changes
     * through {@link #routeChanges()}.
     */
    public RouteStore routeStore() {
        return started(routeStore, "route store");
    }

    /** Where route changes go: the fleet's routes topic when distribution is on, else the local store. */
    public RouteChanges routeChanges() {
        return started(routeChanges, "route changes");
    }

    /**
     * Completes when this sidecar's routes have caught up with the fleet (immediately when
     * distribution is off), with the revision then in force; fails if distribution failed.
     */
    public CompletableFuture<RouteRevision> routesReady() {
        KafkaRouteDistribution d = distribution;
        return d == null ? CompletableFuture.completedFuture(routeStore().current()) : d.ready();
    }

    /** Record translation (registry, translator cache, filters), or null when no registry is configured. */
    public @Nullable RecordTranslation translation() {
        return translation;
    }

    /** The configuration file being watched, or null. */
    public @Nullable Path configFile() {
        return configFile;
    }

    @Override
    public synchronized void close() {
        boolean wasRunning = proxy != null;
        long began = System.nanoTime();
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        if (distribution != null) {
            distribution.close();
            distribution = null;
        }
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        if (translation != null) {
            translation.close();
            translation = null;
        }
        if (auditLog != null) {
            try {
                auditLog.close();
            } catch (IOException e) {
                LOG.warn("closing the audit log {} failed: {}", auditLog.file(), e.toString());
            }
            auditLog = null;
        }
        registry.close();
        if (wasRunning) {
            LOG.info("Rosetta sidecar stopped in {} ms", (System.nanoTime() - began) / 1_000_000);
        }
    }
}
