package dev.rosetta.proxy.translate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;

import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.UpstreamConfig;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.proxy.net.ProxyServer;
import dev.rosetta.translators.registry.StaticSchemaRegistry;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A proxy with the sidecar's record translation (the production {@link RecordTranslation}) in
 * front of a test cluster, over an in-memory registry holding the orders contract (v1, v2) and its key contract (orders-key v1, v2), with
 * routes a test sets directly.
 */
final class TranslatingProxy implements AutoCloseable {
    final StaticSchemaRegistry registry = new StaticSchemaRegistry();
    final int v1Id = registry.register("orders-value", Avro.V1);
    final int v2Id = registry.register("orders-value", Avro.V2);
    final int keyV1Id = registry.register("orders-key", Avro.KEY_V1);
    final int keyV2Id = registry.register("orders-key", Avro.KEY_V2);
    final AtomicReference<RouteTable> routes = new AtomicReference<>(RouteTable.EMPTY);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final RecordTranslation translation;
    final ProxyServer proxy;
    final Admin admin;

    TranslatingProxy(String upstreamBootstrap) {
        // the cache of rebuilt batches on (it is off by default), so that every fetch test goes through it
        this(
                upstreamBootstrap,
                new RecordTranslation.Options(dev.rosetta.config.ListenerConfig.FetchCodec.KEEP, 64L << 20));
    }

    TranslatingProxy(String upstreamBootstrap, RecordTranslation.Options options) {
        this(
                upstreamBootstrap,
                options,
                Map.of(),
                new ListenerConfig("127.0.0.1", 0, 0, "127.0.0.1", ListenerConfig.DEFAULT_MAX_FRAME_BYTES, null));
    }

    /**
     * @param upstreamClient properties Rosetta's own Kafka clients (topic look-ups, dead letters) need on top of
     *                       the bootstrap servers, e.g. SASL credentials
     */
    TranslatingProxy(
            String upstreamBootstrap,
            RecordTranslation.Options options,
            Map<String, Object> upstreamClient,
            ListenerConfig listener) {
        this(upstreamBootstrap, options, upstreamClient, listener, java.util.function.UnaryOperator.identity());
    }

    /** @param connectVia where the proxy connects for each broker address, e.g. through a {@code FaultyHop} */
    TranslatingProxy(
            String upstreamBootstrap,
            RecordTranslation.Options options,
            Map<String, Object> upstreamClient,
            ListenerConfig listener,
            java.util.function.UnaryOperator<java.net.InetSocketAddress> connectVia) {
        Map<String, Object> upstream = new java.util.HashMap<>(upstreamClient);
        upstream.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, upstreamBootstrap);
        translation = new RecordTranslation(registry, null, routes::get, upstream, meters, options);
        proxy = new ProxyServer(
                        listener,
                        UpstreamConfig.defaults(List.of(upstreamBootstrap.split(","))),
                        meters,
                        translation.responseFilters(),
                        translation.requestFilters())
                .connectVia(connectVia)
                .start();
        admin = Admin.create(upstream);
    }

    DeadLetters deadLetters() {
        return translation.deadLetters();
    }

    @Override
    public void close() {
        admin.close();
        proxy.close();
        translation.close();
    }
}
