package dev.rosetta.proxy;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.RosettaConfig;
import dev.rosetta.proxy.admin.AdminServer;
import dev.rosetta.proxy.net.ProxyServer;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One running Rosetta sidecar assembled from its configuration: the Kafka protocol proxy and
 * the admin HTTP endpoint (health, readiness, Prometheus metrics).
 *
 * <p>{@link #start()} returns once every listener accepts connections; {@link #close()} stops
 * everything. Thread-safe.
 */
public final class Sidecar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);

    private final RosettaConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private ProxyServer proxy;
    private AdminServer admin;

    public Sidecar(RosettaConfig config) {
        this.config = config;
    }

    public synchronized Sidecar start() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        proxy = new ProxyServer(config.listener(), config.upstream(), registry, List.of()).start();
        try {
            if (config.admin().enabled()) {
                admin = new AdminServer(config.admin(), registry).start();
            }
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
        LOG.info("Rosetta sidecar started: clients bootstrap at {}{}", proxy.bootstrapServers(),
                admin == null ? ", admin API disabled" : ", admin API at " + admin.baseUrl());
        return this;
    }

    public ProxyServer proxy() {
        return proxy;
    }

    /** The admin API, or {@code null} when disabled in the configuration. */
    public AdminServer admin() {
        return admin;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        registry.close();
    }
}
