package dev.rosetta.benchmarks.endtoend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.avro.Schema;

import dev.rosetta.config.AdminConfig;
import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.RegistryConfig;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.TranslatorsConfig;
import dev.rosetta.proxy.Sidecar;
import dev.rosetta.proxy.embedded.EmbeddedRegistry;

/**
 * The "translating" target: the embedded registry serving {@code config/examples/contracts} and a
 * second {@link Sidecar} with routes on the benchmark topics of subject {@code orders-value}:
 * consumers read v2, records produced are stored as v2. The workloads send v1 records, so every
 * record through this sidecar is translated v1 -> v2 exactly once: on Fetch (consume and latency
 * workloads) or on Produce (produce workload). Its I/O threads are told apart from the
 * pass-through sidecar's by Netty's pool numbers.
 *
 * @param firstPool the first Netty pool number of this sidecar: pools numbered below it belong to
 *                  sidecars started earlier
 */
record TranslatingProxy(
        EmbeddedRegistry registry,
        Sidecar sidecar,
        Schema v1,
        Schema v2,
        int v1Id,
        int v2Id,
        Target target,
        int firstPool)
        implements AutoCloseable {
    static final String SUBJECT = "orders-value";

    /**
     * @param examples       the {@code config/examples} folder (contracts and translators)
     * @param consumeTopics  topics whose consumers read v2 (records stored as v1 are upcast on Fetch)
     * @param produceTopics  topics whose records are stored as v2 (v1 records are upcast on Produce)
     */
    static TranslatingProxy start(
            String upstream, Path examples, List<String> consumeTopics, List<String> produceTopics) {
        Path contracts = examples.resolve("contracts");
        Path translators = examples.resolve("translators");
        if (!Files.isDirectory(contracts) || !Files.isDirectory(translators)) {
            throw new IllegalStateException("no contracts/ and translators/ under " + examples.toAbsolutePath()
                    + ": run from the repository root or pass --examples");
        }
        EmbeddedRegistry registry = EmbeddedRegistry.start(contracts);
        try {
            var s1 = registry.schema(SUBJECT, 1)
                    .orElseThrow(() -> new IllegalStateException(SUBJECT + " v1 not in " + contracts));
            var s2 = registry.schema(SUBJECT, 2)
                    .orElseThrow(() -> new IllegalStateException(SUBJECT + " v2 not in " + contracts));
            List<RouteConfig> routes = new java.util.ArrayList<>();
            for (String topic : consumeTopics) {
                routes.add(new RouteConfig(topic, SUBJECT, null, ConsumeConfig.of(2), null, FailurePolicy.DEFAULT));
            }
            for (String topic : produceTopics) {
                routes.add(new RouteConfig(topic, SUBJECT, null, null, ProduceConfig.of(2), FailurePolicy.DEFAULT));
            }
            RosettaConfig config = RosettaConfig.defaults(List.of(upstream))
                    .withListener(new ListenerConfig(
                            "127.0.0.1", 0, 0, "127.0.0.1", ListenerConfig.DEFAULT_MAX_FRAME_BYTES, null))
                    .withAdmin(new AdminConfig(false, "127.0.0.1", 0, null))
                    .withRegistry(new RegistryConfig(
                            registry.url(),
                            null,
                            null,
                            null,
                            RegistryConfig.DEFAULT_CONNECT_TIMEOUT,
                            RegistryConfig.DEFAULT_READ_TIMEOUT,
                            null))
                    .withTranslators(new TranslatorsConfig(translators))
                    .withRoutes(routes);
            int before = CpuMeter.nettyPoolNumber();
            Sidecar sidecar = new Sidecar(config).start();
            int after = CpuMeter.nettyPoolNumber();
            Target target = new Target(
                    "translating",
                    sidecar.proxy().bootstrapServers(),
                    // event loops plus the translation workers (only this sidecar translates, so only it has them)
                    CpuMeter.sum(
                            CpuMeter.threadsOfPools("rosetta-io", before + 1, after - 1, false),
                            CpuMeter.threadsNamed("rosetta-translate-", false)),
                    CpuMeter.sum(
                            CpuMeter.threadsOfPools("rosetta-io", before + 1, after - 1, true),
                            CpuMeter.threadsNamed("rosetta-translate-", true)),
                    Report.TRANSLATING_THROUGHPUT_TARGET,
                    Double.NaN,
                    Report.TRANSLATING_MB_PER_CORE_TARGET,
                    s2.id(),
                    s2.id());
            return new TranslatingProxy(
                    registry,
                    sidecar,
                    new Schema.Parser().parse(s1.schema()),
                    new Schema.Parser().parse(s2.schema()),
                    s1.id(),
                    s2.id(),
                    target,
                    before);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    Payload.AvroOrders payload(int recordBytes) {
        return (Payload.AvroOrders) Payload.avroOrders(recordBytes, v1, v1Id, v2, v2Id);
    }

    @Override
    public void close() {
        try {
            sidecar.close();
        } finally {
            registry.close();
        }
    }
}
