package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.config.routing.VersionDecision;
import dev.rosetta.proxy.protocol.FilterResult;
import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.registry.StaticSchemaRegistry;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who gives back the pooled buffers of partitions rewritten on the workers, on every path; and
 * that a message's records are counted once, when it is delivered.
 */
class PartitionJobsTest {
    static final StaticSchemaRegistry registry = new StaticSchemaRegistry();
    static final int v1Id = registry.register("orders-value", Avro.V1);
    static final int v2Id = registry.register("orders-value", Avro.V2);
    static final RouteConfig route =
            new RouteConfig("orders", null, null, ConsumeConfig.of(2), null, FailurePolicy.DEFAULT);
    static final VersionDecision toV2 =
            RouteTable.of(List.of(route)).forClient("c", null).consume("orders");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** Tasks handed to the "workers", run when the test says so. */
    private final List<Runnable> queued = new ArrayList<>();

    private final Executor workers = queued::add;
    private TranslatorCache translators;
    private DeadLetters deadLetters;
    private PartitionJobs jobs;

    @BeforeEach
    void setUp() {
        translators = TranslatorCache.builder(registry).build();
        translators.translator("orders-value", v1Id, 2).join(); // compiled: no look-up to wait for
        deadLetters = new DeadLetters(Map.of("bootstrap.servers", "127.0.0.1:1"), meters);
        jobs = new PartitionJobs(translators, new TranslationMetrics(meters), deadLetters, workers, null);
    }

    @AfterEach
    void tearDown() {
        deadLetters.close();
    }

    /** Above {@link PartitionJobs#INLINE_BYTES}: rewritten on the workers. */
    private static MemoryRecords large() {
        ByteBuffer buffer = ByteBuffer.allocate(PartitionJobs.INLINE_BYTES * 3);
        MemoryRecordsBuilder builder = builder(buffer);
        String filler = "x".repeat(1000);
        for (int i = 0; builder.estimatedSizeInBytes() < PartitionJobs.INLINE_BYTES * 2; i++) {
            builder.appendWithOffset(i, 1_700_000_000_000L + i, null, Avro.v1(v1Id, "o" + i + filler, i));
        }
        return builder.build();
    }

    private FilterResult run(ExchangeState<String> state, List<ReferenceCounted> held, List<ByteBuf> applied) {
        PartitionJobs.Job<String> job = new PartitionJobs.Job<>(
                "orders", 0, large(), route, toV2, PartitionRewriter.Rebuild.fetch(null, 0), "p0");
        return jobs.translate(Direction.CONSUME, state, () -> List.of(job), held::add, done -> {
            done.forEach(d -> applied.add(d.result().buffer()));
            return FilterResult.CHANGED;
        });
    }

    private List<ByteBuf> buffersOf(ExchangeState<String> state) {
        List<ByteBuf> buffers = new ArrayList<>();
        for (PartitionJobs.Done<String> done :
                java.util.Objects.requireNonNull(state.running).join()) {
            buffers.add(java.util.Objects.requireNonNull(done.result().buffer()));
        }
        return buffers;
    }

    @Test
    void resultsOfAMessageDroppedWhileTheWorkersRanAreGivenBack() {
        ExchangeState<String> state = new ExchangeState<>();
        List<ReferenceCounted> held = new ArrayList<>();
        List<ByteBuf> applied = new ArrayList<>();

        assertThat(run(state, held, applied)).isInstanceOf(FilterResult.Deferred.class);
        queued.forEach(Runnable::run); // the workers finish, but no run takes the results: the connection closed
        List<ByteBuf> rewritten = buffersOf(state);
        assertThat(rewritten).allSatisfy(b -> assertThat(b.refCnt()).isEqualTo(1));
        held.forEach(ReferenceCounted::release); // what PendingMessage does with a dropped message

        assertThat(applied).isEmpty();
        assertThat(rewritten).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void resultsTakenByTheNextRunAreReleasedOnceWithTheMessage() {
        ExchangeState<String> state = new ExchangeState<>();
        List<ReferenceCounted> held = new ArrayList<>();
        List<ByteBuf> applied = new ArrayList<>();

        assertThat(run(state, held, applied)).isInstanceOf(FilterResult.Deferred.class);
        queued.forEach(Runnable::run);
        List<ByteBuf> rewritten = buffersOf(state);
        assertThat(run(state, held, applied)).isEqualTo(FilterResult.CHANGED);

        assertThat(applied).containsExactlyElementsOf(rewritten);
        assertThat(rewritten).allSatisfy(b -> assertThat(b.refCnt()).isEqualTo(1)); // held until encoded
        held.forEach(ReferenceCounted::release); // encoded: everything held is released, each buffer once
        assertThat(rewritten).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    /** Records of one small partition (rewritten on the event loop), starting at offset 0. */
    private static MemoryRecords small(byte[]... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        MemoryRecordsBuilder builder = builder(buffer);
        for (int i = 0; i < values.length; i++) {
            builder.appendWithOffset(i, 1_700_000_000_000L + i, null, values[i]);
        }
        return builder.build();
    }

    /** An uncompressed v2 batch from offset 0 that fills at most {@code buffer}. */
    private static MemoryRecordsBuilder builder(ByteBuffer buffer) {
        return new MemoryRecordsBuilder(
                buffer,
                RecordBatch.MAGIC_VALUE_V2,
                Compression.NONE,
                TimestampType.CREATE_TIME,
                0L,
                RecordBatch.NO_TIMESTAMP,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                false,
                false,
                0,
                buffer.capacity());
    }

    private double records(String outcome) {
        var counter = meters.find("rosetta.records").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void partitionsRewrittenWhileAnotherWaitedForItsTranslatorAreCountedOnceWhenTheMessageIsDelivered() {
        // found by the soak: Rosetta counted more fetched records than the consumers received
        List<Runnable> compiles = new ArrayList<>();
        TranslatorCache cold =
                TranslatorCache.builder(registry).executor(compiles::add).build();
        var v2AsItIs = cold.translator("orders-value", v2Id, 2); // known: only v1 -> v2 is still to compile
        while (!v2AsItIs.isDone()) {
            compiles.remove(0).run();
        }
        PartitionJobs coldJobs = new PartitionJobs(cold, new TranslationMetrics(meters), deadLetters, workers, null);
        MemoryRecords alreadyV2 =
                small(Avro.v2(v2Id, "a", 1, "EUR"), Avro.v2(v2Id, "b", 2, "EUR"), Avro.v2(v2Id, "c", 3, "EUR"));
        MemoryRecords needsV1ToV2 = small(Avro.v1(v1Id, "d", 4), Avro.v1(v1Id, "e", 5));
        List<PartitionJobs.Job<String>> todo = List.of(
                new PartitionJobs.Job<>(
                        "orders", 0, alreadyV2, route, toV2, PartitionRewriter.Rebuild.fetch(null, 4096), "p0"),
                new PartitionJobs.Job<>(
                        "orders", 1, needsV1ToV2, route, toV2, PartitionRewriter.Rebuild.fetch(null, 4096), "p1"));
        ExchangeState<String> state = new ExchangeState<>();
        List<ReferenceCounted> held = new ArrayList<>();

        FilterResult first =
                coldJobs.translate(Direction.CONSUME, state, () -> todo, held::add, done -> FilterResult.CHANGED);

        assertThat(first).isInstanceOf(FilterResult.Deferred.class); // partition 1 waits for its translator
        assertThat(records("unchanged") + records("translated")).isZero(); // nothing delivered, nothing counted

        while (!compiles.isEmpty()) { // the translator compiles
            compiles.remove(0).run();
        }
        FilterResult second =
                coldJobs.translate(Direction.CONSUME, state, () -> todo, held::add, done -> FilterResult.CHANGED);

        assertThat(second).isEqualTo(FilterResult.CHANGED);
        assertThat(records("unchanged")).isEqualTo(3);
        assertThat(records("translated")).isEqualTo(2);
        held.forEach(ReferenceCounted::release);
    }
}
