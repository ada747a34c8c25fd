package dev.rosetta.proxy.translate;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.record.CompressionType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.RegistryConfig;
import dev.rosetta.config.TranslatorsConfig;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.proxy.net.FrameBuffers;
import dev.rosetta.proxy.protocol.RequestFilter;
import dev.rosetta.proxy.protocol.ResponseFilter;
import dev.rosetta.proxy.tls.TlsContexts;
import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.chain.StepCatalog;
import dev.rosetta.translators.registry.CachingSchemaRegistry;
import dev.rosetta.translators.registry.RegistryClient;
import dev.rosetta.translators.registry.RegistryClientConfig;
import dev.rosetta.translators.registry.RegistryHealth;
import dev.rosetta.translators.registry.SchemaRegistry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Record translation for one sidecar: the schema registry (with its caches), the compiled
 * translator cache, and the filters that translate Fetch responses and Produce requests of routed
 * topics. Built from the configuration, or around a given {@link SchemaRegistry} (embedded mode).
 *
 * <p>Exposes registry health (for {@code /readyz}) and registers its meters. Thread-safe; close
 * it after the proxy that uses its filters.
 */
public final class RecordTranslation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordTranslation.class);

    private final SchemaRegistry registry;
    private final TranslatorCache translators;
    private final TopicNames topicNames;
    private final DeadLetters deadLetters;
    private final FetchTranslator fetch;
    private final ProduceTranslator produce;
    /** Rewrites the partitions of large fetch responses and produce requests off the event loops, in parallel. */
    private final java.util.concurrent.ExecutorService workers;
    /** Probes the registry while it is marked down: cached answers make no requests, so nothing else would notice it is back. */
    private final java.util.concurrent.ScheduledExecutorService prober =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rosetta-registry-probe");
                t.setDaemon(true);
                return t;
            });

    /**
     * How translated fetch batches are delivered.
     *
     * @param fetchCodec     the codec of rebuilt fetch batches ({@code listener.fetchCodec})
     * @param batchCacheBytes the most bytes of rebuilt fetch batches kept for other readers
     *                        ({@code translators.batchCacheBytes}); 0 for no cache
     */
    public record Options(ListenerConfig.FetchCodec fetchCodec, long batchCacheBytes) {
        public static final Options DEFAULTS =
                new Options(ListenerConfig.FetchCodec.KEEP, TranslatorsConfig.DEFAULT_BATCH_CACHE_BYTES);

        public Options {
            if (batchCacheBytes < 0) {
                throw new IllegalArgumentException("batchCacheBytes must be >= 0, got " + batchCacheBytes);
            }
        }

        /** The Kafka codec of rebuilt fetch batches; null keeps each batch's own. */
        @Nullable
        CompressionType compression() {
            return switch (fetchCodec) {
                case KEEP -> null;
                case NONE -> CompressionType.NONE;
                case GZIP -> CompressionType.GZIP;
                case SNAPPY -> CompressionType.SNAPPY;
                case LZ4 -> CompressionType.LZ4;
                case ZSTD -> CompressionType.ZSTD;
            };
        }
    }

    /** A translation with the {@link Options#DEFAULTS default options}. */
    public RecordTranslation(
            SchemaRegistry registry,
            TranslatorsConfig translatorsConfig,
            Supplier<RouteTable> routes,
            Map<String, Object> upstreamClientProperties,
            MeterRegistry meters) {
        this(registry, translatorsConfig, routes, upstreamClientProperties, meters, Options.DEFAULTS);
    }

    /**
     * @param upstreamClientProperties Kafka client settings reaching the upstream cluster (bootstrap servers, TLS),
     *                                 for the topic-id look-ups and the dead-letter producer
     */
    public RecordTranslation(
            SchemaRegistry registry,
            TranslatorsConfig translatorsConfig,
            Supplier<RouteTable> routes,
            Map<String, Object> upstreamClientProperties,
            MeterRegistry meters,
            Options options) {
        this.registry = registry;
        StepCatalog.Builder catalog = StepCatalog.builder().serviceLoader(RecordTranslation.class.getClassLoader());
        if (translatorsConfig != null && translatorsConfig.directory() != null) {
            catalog.directory(translatorsConfig.directory());
        }
        this.translators =
                TranslatorCache.builder(registry).catalog(catalog.build()).build();
        Map<String, Object> adminProps = new HashMap<>(upstreamClientProperties);
        adminProps.putIfAbsent("client.id", "rosetta-topic-names");
        this.topicNames = new TopicNames(() -> Admin.create(adminProps));
        this.deadLetters = new DeadLetters(upstreamClientProperties, meters);
        TranslationMetrics metrics = new TranslationMetrics(meters);
        int threads = Runtime.getRuntime().availableProcessors();
        java.util.concurrent.atomic.AtomicInteger threadNumber = new java.util.concurrent.atomic.AtomicInteger();
        this.workers = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(
                    () -> {
                        FrameBuffers.pinChunks(); // the rebuilt partitions' buffers come from this thread's arena
                        r.run();
                    },
                    "rosetta-translate-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        RebuiltBatches rebuilt =
                options.batchCacheBytes() > 0 ? new RebuiltBatches(options.batchCacheBytes(), meters) : null;
        PartitionJobs jobs = new PartitionJobs(translators, metrics, deadLetters, workers, rebuilt);
        OverrideMatches overrideMatches = new OverrideMatches(meters);
        this.fetch = new FetchTranslator(routes, topicNames, jobs, options.compression(), rebuilt, overrideMatches);
        LOG.info(
                "Rebuilt fetch batches: codec {}, cache of rebuilt batches {}",
                options.fetchCodec() == ListenerConfig.FetchCodec.KEEP
                        ? "kept as stored"
                        : options.fetchCodec().name().toLowerCase(java.util.Locale.ROOT),
                options.batchCacheBytes() > 0 ? (options.batchCacheBytes() >> 20) + " MiB" : "off");
        this.produce = new ProduceTranslator(routes, topicNames, jobs, overrideMatches, deadLetters);
        if (registry instanceof CachingSchemaRegistry caching) {
            prober.scheduleWithFixedDelay(
                    () -> {
                        if (!caching.health().up()) {
                            caching.client().globalCompatibility().whenComplete((level, error) -> {
                                if (error == null) {
                                    LOG.info(
                                            "Schema registry {} answers again",
                                            caching.client().config().baseUrl());
                                }
                            });
                        }
                    },
                    2,
                    2,
                    java.util.concurrent.TimeUnit.SECONDS);
        }
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "rosetta.translators.cache.hits",
                        translators,
                        t -> t.stats().hitCount())
                .description("Translator look-ups answered by a compiled translator")
                .register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "rosetta.translators.cache.misses",
                        translators,
                        t -> t.stats().missCount())
                .description("Translator look-ups that had to compile (or wait for) a translator")
                .register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "rosetta.translators.cache.evictions",
                        translators,
                        t -> t.stats().evictionCount())
                .description("Translators evicted from the cache (size bound or expired failures)")
                .register(meters);
        if (registry instanceof CachingSchemaRegistry caching) {
            io.micrometer.core.instrument.FunctionCounter.builder(
                            "rosetta.registry.requests", caching.client(), RegistryClient::answeredRequests)
                    .tag("outcome", "answered")
                    .description("Requests to the schema registry")
                    .register(meters);
            io.micrometer.core.instrument.FunctionCounter.builder(
                            "rosetta.registry.requests", caching.client(), RegistryClient::failedRequests)
                    .tag("outcome", "failed")
                    .description("Requests to the schema registry")
                    .register(meters);
        }
        Gauge.builder("rosetta.translators.cached", translators, TranslatorCache::size)
                .description("Compiled translators (and remembered compile failures) in the cache")
                .register(meters);
        Gauge.builder("rosetta.registry.up", this, t -> t.health().up() ? 1 : 0)
                .description("1 when the schema registry answered the last request")
                .register(meters);
        Gauge.builder(
                        "rosetta.registry.consecutive.failures",
                        this,
                        t -> t.health().consecutiveFailures())
                .description("Registry requests failed since the last success")
                .register(meters);
        Gauge.builder(
                        "rosetta.registry.served.from.cache.during.outage",
                        this,
                        t -> t.health().servedFromCacheDuringOutage())
                .description("Schema look-ups answered from cache while the registry was unreachable")
                .register(meters);
    }

    /** A registry client with caches for {@code config.url()}, or null when no URL is configured. */
    public static @Nullable SchemaRegistry registryFor(@Nullable RegistryConfig config) {
        if (config == null || config.url() == null) {
            return null;
        }
        RegistryClientConfig.Builder builder = RegistryClientConfig.builder(config.url())
                .connectTimeout(config.connectTimeout())
                .requestTimeout(config.readTimeout())
                .retries(3, Duration.ofMillis(100), Duration.ofSeconds(2));
        if (config.username() != null) {
            builder.basicAuth(config.username(), config.password());
        }
        if (config.bearerToken() != null) {
            builder.bearerToken(config.bearerToken());
        }
        if (config.tls() != null) {
            builder.sslContext(TlsContexts.forRegistry(config.tls()));
        }
        LOG.info("Schema registry at {}", config.url());
        return new CachingSchemaRegistry(new RegistryClient(builder.build()));
    }

    /** Filters to install on the proxy's responses: topic-id learning, fetch translation, produce rejections. */
    public List<ResponseFilter> responseFilters() {
        return List.of(topicNames, fetch, produce);
    }

    /** Filters to install on the proxy's requests: produce translation, fetch size limits (for a changed codec). */
    public List<RequestFilter> requestFilters() {
        return List.of(produce, fetch);
    }

    public RegistryHealth health() {
        return registry.health();
    }

    /** Null when the registry is reachable (or every needed schema is cached), otherwise why it is not. */
    public @Nullable String registryNotReadyReason() {
        RegistryHealth health = registry.health();
        if (health.up() || health.lastSuccess() != null) {
            return null; // up, or down after it answered: degraded (registryDegradedReason), still serving
        }
        return "schema registry unreachable (" + health.consecutiveFailures() + " failed requests, last: "
                + health.lastError() + "); it has not answered since the start";
    }

    /**
     * Null unless the registry, which answered before, is unreachable now: the sidecar stays ready (cached schemas
     * keep translating), and says what that means.
     */
    public @Nullable String registryDegradedReason() {
        RegistryHealth health = registry.health();
        if (health.up() || health.lastSuccess() == null) {
            return null;
        }
        return "schema registry unreachable since " + health.lastFailure() + " (" + health.consecutiveFailures()
                + " failed requests, last: " + health.lastError()
                + "); cached schemas keep translating, records with uncached schema ids follow their route's failure policy";
    }

    public TranslatorCache translators() {
        return translators;
    }

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    public void close() {
        prober.shutdownNow();
        workers.shutdown(); // after the proxy closed: no new work; what runs finishes on its own
        deadLetters.close();
        topicNames.close();
    }
}
