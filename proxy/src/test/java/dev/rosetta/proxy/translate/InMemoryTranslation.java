package dev.rosetta.proxy.translate;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.avro.Schema;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.proxy.protocol.RequestFilter;
import dev.rosetta.proxy.protocol.ResponseFilter;
import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.registry.StaticSchemaRegistry;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The proxy's record translation (the filters of {@link RecordTranslation}: topic-id learning, fetch and produce
 * translation) wired for a single thread and no cluster: translators compile on the caller's thread from an
 * in-memory registry holding the orders contract (values v1, v2; keys v1, v2), partitions are rewritten on the
 * caller's thread, topic ids are known up front (an unknown one resolves at once as unknown), and dead letters go
 * to a producer whose cluster never answers (sends fail after 1 ms, off the caller's thread).
 */
public final class InMemoryTranslation implements AutoCloseable {
    /** Topic ids the translation knows from the start (as if learned from a Metadata response). */
    public static final Map<String, Uuid> TOPIC_IDS = Map.of(
            "orders", new Uuid(0x0123456789abcdefL, 0x1L),
            "payments", new Uuid(0x0123456789abcdefL, 0x2L),
            "ledger", new Uuid(0x0123456789abcdefL, 0x3L),
            "plain", new Uuid(0x0123456789abcdefL, 0x4L));

    public final StaticSchemaRegistry registry = new StaticSchemaRegistry();
    public final int v1Id = registry.register("orders-value", Avro.V1);
    public final int v2Id = registry.register("orders-value", Avro.V2);
    public final int keyV1Id = registry.register("orders-key", Avro.KEY_V1);
    public final int keyV2Id = registry.register("orders-key", Avro.KEY_V2);

    private final DeadLetters deadLetters;
    private final TopicNames topicNames;
    private final FetchTranslator fetch;
    private final ProduceTranslator produce;

    public InMemoryTranslation(Supplier<RouteTable> routes) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TranslatorCache translators =
                TranslatorCache.builder(registry).executor(Runnable::run).build();
        deadLetters = new DeadLetters(
                Map.of("bootstrap.servers", "127.0.0.1:1", "max.block.ms", 1, "client.id", "fuzz-dead-letters"),
                meters);
        topicNames = new TopicNames(() -> {
            throw new IllegalStateException("no cluster to ask for topic ids");
        });
        resetTopicNames();
        RebuiltBatches rebuilt = new RebuiltBatches(16L << 20, meters);
        PartitionJobs jobs =
                new PartitionJobs(translators, new TranslationMetrics(meters), deadLetters, Runnable::run, rebuilt);
        OverrideMatches overrideMatches = new OverrideMatches(meters);
        fetch = new FetchTranslator(routes, topicNames, jobs, null, rebuilt, overrideMatches);
        produce = new ProduceTranslator(routes, topicNames, jobs, overrideMatches, deadLetters);
    }

    /**
     * Teaches the topic-name filter the fixture's ids again ({@link #TOPIC_IDS}), as a Metadata response would: a
     * Metadata response that named one of these ids for another topic (a fuzzed one, say) is forgotten.
     */
    public void resetTopicNames() {
        MetadataResponseData metadata = new MetadataResponseData();
        TOPIC_IDS.forEach((name, id) -> metadata.topics()
                .add(new MetadataResponseData.MetadataResponseTopic()
                        .setName(name)
                        .setTopicId(id)));
        topicNames.onResponse(ApiKeys.METADATA, (short) 12, metadata, null);
    }

    /** The response filters, in {@link RecordTranslation#responseFilters()}'s order. */
    public List<ResponseFilter> responseFilters() {
        return List.of(topicNames, fetch, produce);
    }

    /** The request filters, in {@link RecordTranslation#requestFilters()}'s order. */
    public List<RequestFilter> requestFilters() {
        return List.of(produce, fetch);
    }

    public static Schema valueSchema(int version) {
        return version == 1 ? Avro.SCHEMA_V1 : Avro.SCHEMA_V2;
    }

    /** A Confluent-framed value of the orders contract, v1 or v2. */
    public byte[] value(int version, String id, int amount) {
        return version == 1 ? Avro.v1(v1Id, id, amount) : Avro.v2(v2Id, id, amount, "USD");
    }

    /** A Confluent-framed key of the orders contract, v1. */
    public byte[] key(String id) {
        return Avro.keyV1(keyV1Id, id);
    }

    @Override
    public void close() {
        deadLetters.close();
        topicNames.close();
    }
}
