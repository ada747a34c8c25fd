package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.RouteConfig.KeyRoute;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.translators.Translator;
import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.registry.StaticSchemaRegistry;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/** Record keys translated with their values: one decision per record gives both shapes. */
class KeyTranslationTest {
    static final StaticSchemaRegistry registry = new StaticSchemaRegistry();
    static final int v1Id = registry.register("orders-value", Avro.V1);
    static final int v2Id = registry.register("orders-value", Avro.V2);
    static final int keyV1Id = registry.register("orders-key", Avro.KEY_V1);
    static final int keyV2Id = registry.register("orders-key", Avro.KEY_V2);
    static final TranslatorCache translators = TranslatorCache.builder(registry).build();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** One record per entry: its key bytes (null for none) and a v1 value. */
    private static MemoryRecords records(byte[]... keys) {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(
                buffer,
                RecordBatch.MAGIC_VALUE_V2,
                Compression.lz4().build(),
                TimestampType.CREATE_TIME,
                0L,
                RecordBatch.NO_TIMESTAMP,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                false,
                false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH,
                buffer.capacity());
        for (int i = 0; i < keys.length; i++) {
            builder.appendWithOffset(i, 1_700_000_000_000L + i, keys[i], Avro.v1(v1Id, "o" + i, i), new Header[0]);
        }
        return builder.build();
    }

    private PartitionRewriter.Result rewrite(Direction direction, RouteConfig route, MemoryRecords records) {
        DeadLetters deadLetters = new DeadLetters(Map.of("bootstrap.servers", "127.0.0.1:1"), meters);
        Map<PartitionRewriter.Lookup, CompletableFuture<Translator>> lookups = new HashMap<>();
        PartitionRewriter rewriter = new PartitionRewriter(
                translators, new TranslationMetrics(meters), deadLetters, direction, lookups, null);
        var client = RouteTable.of(List.of(route)).forClient("c", null);
        var decision = direction == Direction.CONSUME ? client.consume("orders") : client.produce("orders");
        PartitionRewriter.Result result = Detached.of(rewriter.rewrite("orders", 0, records, route, decision));
        while (result.isPending()) {
            result.pending().forEach(f -> f.exceptionally(e -> null).join());
            result = Detached.of(rewriter.rewrite("orders", 0, records, route, decision));
        }
        return result;
    }

    private static List<Record> out(PartitionRewriter.Result result) {
        assertThat(result.records()).as("the partition was rewritten").isNotNull();
        List<Record> list = new ArrayList<>();
        result.records().batches().forEach(b -> {
            b.ensureValid();
            b.forEach(list::add);
        });
        return list;
    }

    private static byte[] bytes(ByteBuffer b) {
        return b == null ? null : Utils.toArray(b);
    }

    private double count(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private static RouteConfig consumeV2(KeyRoute keys) {
        return new RouteConfig("orders", "orders-value", keys, ConsumeConfig.of(2), null, FailurePolicy.DEFAULT);
    }

    @Test
    void aConsumerReadingV2GetsKeyV2AndValueV2() {
        byte[] key = Avro.keyV1(keyV1Id, "o0");

        List<Record> read = out(rewrite(Direction.CONSUME, consumeV2(KeyRoute.of("orders-key")), records(key, null)));

        assertThat(read).hasSize(2);
        byte[] newKey = bytes(read.get(0).key());
        assertThat(Avro.schemaId(newKey)).isEqualTo(keyV2Id);
        var decoded = Avro.read(newKey, Avro.KEY_SCHEMA_V2);
        assertThat(decoded.get("id")).hasToString("o0");
        assertThat(decoded.get("region")).hasToString("eu");
        assertThat(Avro.schemaId(bytes(read.get(0).value()))).isEqualTo(v2Id);
        assertThat(read.get(1).key())
                .as("a record without a key keeps having none")
                .isNull();
        assertThat(Avro.schemaId(bytes(read.get(1).value()))).isEqualTo(v2Id);
        assertThat(count("rosetta.records.keys.translated", "topic", "orders", "from_version", "1", "to_version", "2"))
                .isEqualTo(1);
        assertThat(count("rosetta.records", "topic", "orders", "outcome", "translated"))
                .isEqualTo(2);
    }

    @Test
    void keyVersionsDecideTheKeyShapeOfEachContractVersion() {
        byte[] key = Avro.keyV1(keyV1Id, "o0");
        KeyRoute keys = new KeyRoute("orders-key", Map.of(1, 1, 2, 1), false); // contract v2 still has key v1

        List<Record> read = out(rewrite(Direction.CONSUME, consumeV2(keys), records(key)));

        assertThat(bytes(read.get(0).key())).isEqualTo(key);
        assertThat(Avro.schemaId(bytes(read.get(0).value()))).isEqualTo(v2Id);
        assertThat(count("rosetta.records.keys.translated", "topic", "orders")).isZero();
    }

    @Test
    void aKeyThatIsNotConfluentFramedFailsTheWholeRecordWhichPassesUnchangedWithAnExplanation() {
        byte[] plain = "order-7".getBytes(StandardCharsets.UTF_8);

        List<Record> read = out(rewrite(Direction.CONSUME, consumeV2(KeyRoute.of("orders-key")), records(plain)));

        Record record = read.get(0);
        assertThat(bytes(record.key())).isEqualTo(plain);
        assertThat(Avro.schemaId(bytes(record.value())))
                .as("never half-translated: the value stays v1 too")
                .isEqualTo(v1Id);
        assertThat(record.headers()).hasSize(1);
        assertThat(new String(record.headers()[0].value(), StandardCharsets.UTF_8))
                .startsWith("CORRUPT_PAYLOAD in key: ")
                .contains("orders-key");
        assertThat(count("rosetta.records", "topic", "orders", "outcome", "failed_passed_through"))
                .isEqualTo(1);
        assertThat(count("rosetta.translation.failures", "topic", "orders", "reason", "corrupt_payload"))
                .isEqualTo(1);
    }

    @Test
    void aKeyWithAnUnknownSchemaIdFollowsThePolicyAndNamesTheId() {
        byte[] unknown = Avro.keyV1(999, "o0");

        List<Record> read = out(rewrite(Direction.CONSUME, consumeV2(KeyRoute.of("orders-key")), records(unknown)));

        assertThat(bytes(read.get(0).key())).isEqualTo(unknown);
        assertThat(Avro.schemaId(bytes(read.get(0).value()))).isEqualTo(v1Id);
        assertThat(new String(read.get(0).headers()[0].value(), StandardCharsets.UTF_8))
                .contains(" in key schema id 999");
    }

    @Test
    void producedKeysAreKeptUnlessTheRouteTranslatesThem() {
        byte[] key = Avro.keyV1(keyV1Id, "o0");
        RouteConfig keep = new RouteConfig(
                "orders", "orders-value", KeyRoute.of("orders-key"), null, ProduceConfig.of(2), FailurePolicy.DEFAULT);
        RouteConfig translate = new RouteConfig(
                "orders",
                "orders-value",
                new KeyRoute("orders-key", Map.of(), true),
                null,
                ProduceConfig.of(2),
                FailurePolicy.DEFAULT);

        List<Record> kept = out(rewrite(Direction.PRODUCE, keep, records(key)));
        List<Record> translated = out(rewrite(Direction.PRODUCE, translate, records(key)));

        assertThat(bytes(kept.get(0).key()))
                .as("partitioning and compaction see the producer's key bytes")
                .isEqualTo(key);
        assertThat(Avro.schemaId(bytes(kept.get(0).value()))).isEqualTo(v2Id);
        assertThat(Avro.schemaId(bytes(translated.get(0).key()))).isEqualTo(keyV2Id);
        assertThat(Avro.schemaId(bytes(translated.get(0).value()))).isEqualTo(v2Id);
    }

    @Test
    void onlyTheKeyNeedingTranslationStillCountsTheRecordAsTranslated() {
        // value already v2 but key v1: the key alone changes
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        builder.append(1L, Avro.keyV1(keyV1Id, "o0"), Avro.v2(v2Id, "o0", 1, "USD"));
        List<Record> read = out(rewrite(Direction.CONSUME, consumeV2(KeyRoute.of("orders-key")), builder.build()));

        assertThat(Avro.schemaId(bytes(read.get(0).key()))).isEqualTo(keyV2Id);
        assertThat(Avro.schemaId(bytes(read.get(0).value()))).isEqualTo(v2Id);
        assertThat(count("rosetta.records", "topic", "orders", "outcome", "translated"))
                .isEqualTo(1);
        assertThat(count("rosetta.records", "topic", "orders", "outcome", "unchanged"))
                .isZero();
    }
}
