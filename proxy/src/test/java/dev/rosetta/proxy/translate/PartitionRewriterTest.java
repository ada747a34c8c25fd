package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Crc32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.config.routing.VersionDecision;
import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.registry.StaticSchemaRegistry;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/** Batch-level guarantees of a rewrite, checked on the bytes. */
class PartitionRewriterTest {
    static StaticSchemaRegistry registry = new StaticSchemaRegistry();
    static int v1Id = registry.register("orders-value", Avro.V1);
    static int v2Id = registry.register("orders-value", Avro.V2);
    static TranslatorCache translators = TranslatorCache.builder(registry).build();
    static RouteConfig route = new RouteConfig("orders", null, null, ConsumeConfig.of(2), null, FailurePolicy.DEFAULT);
    static VersionDecision toV2 =
            RouteTable.of(List.of(route)).forClient("c", null).consume("orders");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private PartitionRewriter.Result rewrite(MemoryRecords records) {
        DeadLetters deadLetters = new DeadLetters(Map.of("bootstrap.servers", "127.0.0.1:1"), meters);
        Map<PartitionRewriter.Lookup, java.util.concurrent.CompletableFuture<dev.rosetta.translators.Translator>>
                lookups = new HashMap<>();
        PartitionRewriter rewriter = new PartitionRewriter(
                translators, new TranslationMetrics(meters), deadLetters, Direction.CONSUME, lookups, null);
        PartitionRewriter.Result result = Detached.of(rewriter.rewrite("orders", 0, records, route, toV2));
        if (result.isPending()) {
            result.pending().forEach(java.util.concurrent.CompletableFuture::join);
            result = Detached.of(rewriter.rewrite("orders", 0, records, route, toV2));
        }
        return result;
    }

    /** A transactional, idempotent batch at base offset 100 whose records sit at the given offset deltas. */
    private static ByteBuffer batch(Compression compression, TimestampType type, int... deltas) {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(
                buffer,
                RecordBatch.MAGIC_VALUE_V2,
                compression,
                type,
                100L,
                type == TimestampType.LOG_APPEND_TIME ? 1_700_000_009_999L : RecordBatch.NO_TIMESTAMP,
                4242L,
                (short) 7,
                55,
                true,
                false,
                3,
                buffer.capacity());
        for (int delta : deltas) {
            builder.appendWithOffset(
                    100L + delta,
                    1_700_000_000_000L + delta,
                    ("k" + delta).getBytes(StandardCharsets.UTF_8),
                    Avro.v1(v1Id, "o" + delta, delta),
                    new Header[] {new RecordHeader("h", new byte[] {(byte) delta})});
        }
        return builder.build().buffer();
    }

    /** What compaction leaves: the same batch header (last offset delta 9, max timestamp of the removed record). */
    private static MemoryRecords compacted(Compression compression) {
        ByteBuffer b = batch(compression, TimestampType.CREATE_TIME, 0, 3, 5);
        b.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, 9);
        b.putLong(35, 1_700_000_000_009L);
        b.putInt(DefaultRecordBatch.CRC_OFFSET, (int) Crc32C.compute(b, 21, b.limit() - 21));
        MemoryRecords records = MemoryRecords.readableRecords(b);
        records.batches().forEach(RecordBatch::ensureValid);
        return records;
    }

    @ParameterizedTest
    @EnumSource(value = org.apache.kafka.common.record.CompressionType.class)
    void aCompactedBatchKeepsItsHeaderFieldsAndLastOffset(org.apache.kafka.common.record.CompressionType codec) {
        MemoryRecords original = compacted(Compression.of(codec).build());
        RecordBatch before = original.batches().iterator().next();

        PartitionRewriter.Result result = rewrite(original);

        assertThat(result.records()).isNotNull();
        List<RecordBatch> batches = new ArrayList<>();
        result.records().batches().forEach(batches::add);
        assertThat(batches).hasSize(1);
        RecordBatch after = batches.get(0);
        after.ensureValid(); // CRC recomputed over the patched header
        assertThat(after.baseOffset()).isEqualTo(100);
        assertThat(after.lastOffset()).isEqualTo(before.lastOffset()).isEqualTo(109);
        assertThat(after.nextOffset()).isEqualTo(110);
        assertThat(after.maxTimestamp()).isEqualTo(before.maxTimestamp());
        assertThat(after.compressionType()).isEqualTo(codec);
        assertThat(after.producerId()).isEqualTo(4242);
        assertThat(after.producerEpoch()).isEqualTo((short) 7);
        assertThat(after.baseSequence()).isEqualTo(55);
        assertThat(after.isTransactional()).isTrue();
        assertThat(after.partitionLeaderEpoch()).isEqualTo(3);
        assertThat(after.countOrNull()).isEqualTo(3);
        List<Long> offsets = new ArrayList<>();
        for (Record r : after) {
            offsets.add(r.offset());
            assertThat(r.timestamp()).isEqualTo(1_700_000_000_000L + (r.offset() - 100));
            assertThat(r.headers()).hasSize(1);
            byte[] value = new byte[r.valueSize()];
            r.value().get(value);
            assertThat(Avro.schemaId(value)).isEqualTo(v2Id);
        }
        assertThat(offsets).containsExactly(100L, 103L, 105L);
    }

    @Test
    void logAppendTimeBatchesKeepTheBrokerTimestamp() {
        MemoryRecords original =
                MemoryRecords.readableRecords(batch(Compression.NONE, TimestampType.LOG_APPEND_TIME, 0, 1));
        RecordBatch after = rewrite(original).records().batches().iterator().next();
        assertThat(after.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(after.maxTimestamp()).isEqualTo(1_700_000_009_999L);
        after.ensureValid();
    }

    @Test
    void untouchedBatchesAndATrailingPartialBatchAreCopiedByteForByte() {
        ByteBuffer alreadyV2 = ByteBuffer.allocate(1024);
        MemoryRecordsBuilder builder =
                MemoryRecords.builder(alreadyV2, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        builder.append(1L, null, Avro.v2(v2Id, "x", 1, "USD"));
        ByteBuffer first = builder.build().buffer();
        ByteBuffer second = batch(Compression.NONE, TimestampType.CREATE_TIME, 0, 1);
        byte[] partial = new byte[20];
        second.duplicate().get(partial); // the start of another batch, cut off by the broker's size limit
        ByteBuffer all = ByteBuffer.allocate(first.remaining() + second.remaining() + partial.length);
        all.put(first.duplicate()).put(second.duplicate()).put(partial).flip();

        MemoryRecords result = rewrite(MemoryRecords.readableRecords(all)).records();

        ByteBuffer out = result.buffer();
        byte[] firstOut = new byte[first.remaining()];
        out.duplicate().get(firstOut);
        byte[] firstIn = new byte[first.remaining()];
        first.duplicate().get(firstIn);
        assertThat(firstOut).isEqualTo(firstIn);
        byte[] tail = new byte[partial.length];
        ByteBuffer end = out.duplicate();
        end.position(end.limit() - partial.length);
        end.get(tail);
        assertThat(tail).isEqualTo(partial);
    }

    @Test
    void aFetchResponseThatWouldGrowTooMuchHoldsBackTrailingBatchesAndCountsOnlyWhatItDelivers() {
        StaticSchemaRegistry padded = new StaticSchemaRegistry();
        int smallId = padded.register(
                "padded-value", "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"}]}");
        padded.register(
                "padded-value",
                "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"},"
                        + "{\"name\":\"note\",\"type\":\"string\",\"default\":\"" + "n".repeat(1000) + "\"}]}");
        RouteConfig paddedRoute =
                new RouteConfig("padded", null, null, ConsumeConfig.of(2), null, FailurePolicy.DEFAULT);
        VersionDecision toPadded =
                RouteTable.of(List.of(paddedRoute)).forClient("c", null).consume("padded");
        // 100 batches of 10 tiny records: about 10 KB of v1 that would become about 1 MB of v2
        ByteBuffer all = ByteBuffer.allocate(100 * 1024);
        for (int b = 0; b < 100; b++) {
            MemoryRecordsBuilder builder =
                    MemoryRecords.builder(all.slice(), Compression.NONE, TimestampType.CREATE_TIME, b * 10L);
            for (int r = 0; r < 10; r++) {
                builder.append(1L, null, new byte[] {0, 0, 0, 0, (byte) smallId, (byte) (r * 2)});
            }
            ByteBuffer batch = builder.build().buffer();
            all.position(all.position() + batch.remaining());
        }
        all.flip();
        MemoryRecords original = MemoryRecords.readableRecords(all);
        TranslatorCache paddedTranslators = TranslatorCache.builder(padded).build();
        Map<PartitionRewriter.Lookup, java.util.concurrent.CompletableFuture<dev.rosetta.translators.Translator>>
                lookups = new HashMap<>();
        PartitionRewriter rewriter = new PartitionRewriter(
                paddedTranslators,
                new TranslationMetrics(meters),
                new DeadLetters(Map.of("bootstrap.servers", "127.0.0.1:1"), meters),
                Direction.CONSUME,
                lookups,
                null);
        PartitionRewriter.Result result = Detached.of(rewriter.rewrite("padded", 0, original, paddedRoute, toPadded));
        if (result.isPending()) {
            result.pending().forEach(java.util.concurrent.CompletableFuture::join);
            result = Detached.of(rewriter.rewrite("padded", 0, original, paddedRoute, toPadded));
        }

        MemoryRecords delivered = result.records();
        assertThat(delivered.sizeInBytes()).isLessThanOrEqualTo(PartitionRewriter.growthLimit(original.sizeInBytes()));
        List<RecordBatch> batches = new ArrayList<>();
        delivered.batches().forEach(batches::add);
        assertThat(batches).isNotEmpty().hasSizeLessThan(100);
        assertThat(batches.get(0).baseOffset()).isZero(); // the consumer always makes progress
        long deliveredRecords = batches.stream().mapToLong(b -> b.countOrNull()).sum();
        assertThat(meters.find("rosetta.records")
                        .tag("topic", "padded")
                        .tag("outcome", "translated")
                        .counter()
                        .count())
                .isEqualTo(deliveredRecords);
        assertThat(meters.find("rosetta.translation.batches.held_back")
                        .counter()
                        .count())
                .isEqualTo(100 - batches.size());
    }

    @Test
    void aBatchWhoseRecordsCannotBeReadPassesAsItCameWithEveryRecordCountedAsFailed() {
        ByteBuffer corrupt = batch(Compression.gzip().build(), TimestampType.CREATE_TIME, 0, 1, 2);
        for (int i = DefaultRecordBatch.RECORD_BATCH_OVERHEAD; i < corrupt.limit(); i++) {
            corrupt.put(i, (byte) 0x5a); // not gzip any more (the batch CRC is not checked on read)
        }
        byte[] before = new byte[corrupt.remaining()];
        corrupt.duplicate().get(before);

        PartitionRewriter.Result result = rewrite(MemoryRecords.readableRecords(corrupt));

        assertThat(result.records())
                .as("no rewrite: the partition passes as it came")
                .isNull();
        assertThat(corrupt.duplicate()).isEqualTo(ByteBuffer.wrap(before));
        assertThat(meters.find("rosetta.records")
                        .tag("topic", "orders")
                        .tag("outcome", "failed_passed_through")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(meters.find("rosetta.translation.failures")
                        .tag("reason", "corrupt_batch")
                        .counter()
                        .count())
                .isEqualTo(3);
    }

    @Test
    void bytesAfterTheBatchesThatAreNoBatchPassAsTheyCameAfterTheTranslatedBatches() {
        ByteBuffer good = batch(Compression.NONE, TimestampType.CREATE_TIME, 0, 1);
        ByteBuffer unknownMagic = batch(Compression.NONE, TimestampType.CREATE_TIME, 0);
        unknownMagic.put(16, (byte) 67); // the magic byte (after base offset, length, leader epoch): Kafka refuses it
        byte[] rest = new byte[unknownMagic.remaining()];
        unknownMagic.duplicate().get(rest);
        ByteBuffer all = ByteBuffer.allocate(good.remaining() + rest.length);
        all.put(good.duplicate()).put(rest).flip();

        MemoryRecords result = rewrite(MemoryRecords.readableRecords(all)).records();

        assertThat(result).as("the first batch is translated").isNotNull();
        assertThat(result.batches().iterator().next().iterator().next().headers())
                .as("translated, not failed: its own header, no rosetta.error")
                .hasSize(1);
        byte[] tail = new byte[rest.length];
        ByteBuffer end = result.buffer().duplicate();
        end.position(end.limit() - rest.length);
        end.get(tail);
        assertThat(tail).as("the bytes that are no batch follow as they came").isEqualTo(rest);
        assertThat(meters.find("rosetta.translation.failures")
                        .tag("reason", "corrupt_batch")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aBatchOfAnOldFormatThatCannotBeReadPassesAsItCame() {
        ByteBuffer legacy = MemoryRecords.withRecords(
                        RecordBatch.MAGIC_VALUE_V1,
                        Compression.gzip().build(),
                        new org.apache.kafka.common.record.SimpleRecord(1L, null, Avro.v1(v1Id, "o", 1)))
                .buffer();
        for (int i = legacy.limit() - 8; i < legacy.limit(); i++) {
            legacy.put(i, (byte) 0); // the end of the gzip stream: its offsets can no longer be read
        }
        byte[] before = new byte[legacy.remaining()];
        legacy.duplicate().get(before);

        PartitionRewriter.Result result = rewrite(MemoryRecords.readableRecords(legacy));

        assertThat(result.records())
                .as("nothing rewritten: the partition passes as it came")
                .isNull();
        assertThat(legacy.duplicate()).isEqualTo(ByteBuffer.wrap(before));
    }

    @Test
    void anUnreadableBatchIsCountedForTheRecordsItCanHoldNotForTheCountItDeclares() {
        ByteBuffer corrupt = batch(Compression.NONE, TimestampType.CREATE_TIME, 0, 1, 2);
        corrupt.putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, 0x69696969); // 1.7 billion records, in 200 bytes

        PartitionRewriter.Result result = rewrite(MemoryRecords.readableRecords(corrupt));

        assertThat(result.records()).as("the partition passes as it came").isNull();
        double counted = meters.find("rosetta.records")
                .tag("outcome", "failed_passed_through")
                .counter()
                .count();
        assertThat(counted)
                .as("no more than its bytes can hold")
                .isPositive()
                .isLessThanOrEqualTo((corrupt.remaining() - DefaultRecordBatch.RECORD_BATCH_OVERHEAD) / 7.0);
    }

    @Test
    void aPartitionWithNothingToChangeIsLeftAlone() {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        builder.append(1L, null, Avro.v2(v2Id, "x", 1, "USD"));
        PartitionRewriter.Result result = rewrite(builder.build());
        assertThat(result.records()).isNull();
        assertThat(result.isPending()).isFalse();
        assertThat(meters.find("rosetta.records")
                        .tag("outcome", "unchanged")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aPartitionWaitingForATranslatorIsNotRewrittenAndCountsNothingUntilItRunsAgain() {
        TranslatorCache cold = TranslatorCache.builder(registry).build();
        PartitionRewriter rewriter = new PartitionRewriter(
                cold,
                new TranslationMetrics(meters),
                new DeadLetters(Map.of("bootstrap.servers", "127.0.0.1:1"), meters),
                Direction.CONSUME,
                new HashMap<>(),
                null);
        MemoryRecords original =
                MemoryRecords.readableRecords(batch(Compression.NONE, TimestampType.CREATE_TIME, 0, 1, 2));

        PartitionRewriter.Result waiting = Detached.of(rewriter.rewrite("orders", 0, original, route, toV2));

        assertThat(waiting.isPending()).isTrue();
        assertThat(waiting.records()).isNull();
        assertThat(meters.find("rosetta.records").counters()).isEmpty();

        waiting.pending().forEach(java.util.concurrent.CompletableFuture::join);
        PartitionRewriter.Result done = Detached.of(rewriter.rewrite("orders", 0, original, route, toV2));

        assertThat(done.isPending()).isFalse();
        assertThat(done.records()).isNotNull();
        assertThat(meters.find("rosetta.records")
                        .tag("outcome", "translated")
                        .counter()
                        .count())
                .isEqualTo(3);
    }

    @Test
    void aRecordThatFailsIsDeliveredWithItsReasonAndTheOtherRecordsAndBatchesAreTranslated() {
        ByteBuffer first = ByteBuffer.allocate(4096);
        MemoryRecordsBuilder builder =
                MemoryRecords.builder(first, Compression.lz4().build(), TimestampType.CREATE_TIME, 0L);
        builder.append(1L, null, Avro.v1(v1Id, "a", 1));
        builder.append(2L, null, Avro.v1(4242, "b", 2)); // no such schema id
        builder.append(3L, null, Avro.v1(v1Id, "c", 3));
        ByteBuffer firstBatch = builder.build().buffer();
        builder = MemoryRecords.builder(ByteBuffer.allocate(1024), Compression.NONE, TimestampType.CREATE_TIME, 3L);
        builder.append(4L, null, Avro.v1(v1Id, "d", 4));
        ByteBuffer secondBatch = builder.build().buffer();
        ByteBuffer all = ByteBuffer.allocate(firstBatch.remaining() + secondBatch.remaining());
        all.put(firstBatch).put(secondBatch).flip();
        Map<PartitionRewriter.Lookup, java.util.concurrent.CompletableFuture<dev.rosetta.translators.Translator>>
                lookups = new HashMap<>();
        PartitionRewriter rewriter = new PartitionRewriter(
                translators,
                new TranslationMetrics(meters),
                new DeadLetters(Map.of("bootstrap.servers", "127.0.0.1:1"), meters),
                Direction.CONSUME,
                lookups,
                null);
        MemoryRecords original = MemoryRecords.readableRecords(all);
        PartitionRewriter.Result result = Detached.of(rewriter.rewrite("orders", 0, original, route, toV2));
        while (result.isPending()) {
            result.pending().forEach(f -> f.exceptionally(e -> null).join());
            result = Detached.of(rewriter.rewrite("orders", 0, original, route, toV2));
        }

        List<Record> delivered = new ArrayList<>();
        result.records().batches().forEach(b -> {
            b.ensureValid();
            b.forEach(delivered::add);
        });
        assertThat(delivered).extracting(Record::offset).containsExactly(0L, 1L, 2L, 3L);
        for (int i : new int[] {0, 2, 3}) {
            assertThat(Avro.schemaId(org.apache.kafka.common.utils.Utils.toArray(
                            delivered.get(i).value())))
                    .isEqualTo(v2Id);
            assertThat(delivered.get(i).headers()).isEmpty();
        }
        Record failed = delivered.get(1);
        assertThat(org.apache.kafka.common.utils.Utils.toArray(failed.value())).isEqualTo(Avro.v1(4242, "b", 2));
        assertThat(failed.headers()).hasSize(1);
        assertThat(new String(failed.headers()[0].value(), StandardCharsets.UTF_8))
                .contains("schema id 4242");
        assertThat(meters.find("rosetta.records")
                        .tag("outcome", "translated")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(meters.find("rosetta.records")
                        .tag("outcome", "failed_passed_through")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    /** Two lz4 batches of 10 records each (base offsets 100 and 110), one after the other. */
    private static MemoryRecords twoBatches() {
        ByteBuffer first = batch(Compression.lz4().build(), TimestampType.CREATE_TIME, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        ByteBuffer second = batch(Compression.lz4().build(), TimestampType.CREATE_TIME, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        second.putLong(0, 110L); // base offset (not covered by the CRC)
        ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining());
        both.put(first).put(second).flip();
        return MemoryRecords.readableRecords(both);
    }

    private PartitionRewriter.Result rewrite(
            MemoryRecords records,
            PartitionRewriter.Rebuild how,
            @org.jspecify.annotations.Nullable RebuiltBatches cache) {
        DeadLetters deadLetters = new DeadLetters(Map.of("bootstrap.servers", "127.0.0.1:1"), meters);
        Map<PartitionRewriter.Lookup, java.util.concurrent.CompletableFuture<dev.rosetta.translators.Translator>>
                lookups = new HashMap<>();
        PartitionRewriter rewriter = new PartitionRewriter(
                translators, new TranslationMetrics(meters), deadLetters, Direction.CONSUME, lookups, cache);
        PartitionRewriter.Result result = Detached.of(rewriter.rewrite("orders", 0, records, route, toV2, how));
        if (result.isPending()) {
            result.pending().forEach(java.util.concurrent.CompletableFuture::join);
            result = Detached.of(rewriter.rewrite("orders", 0, records, route, toV2, how));
        }
        return result;
    }

    private static List<RecordBatch> batches(MemoryRecords records) {
        List<RecordBatch> batches = new ArrayList<>();
        records.batches().forEach(batches::add);
        batches.forEach(RecordBatch::ensureValid);
        return batches;
    }

    @Test
    void aNamedFetchCodecRewritesRebuiltBatchesWithIt() {
        MemoryRecords original = twoBatches();

        PartitionRewriter.Result uncompressed = rewrite(
                original,
                new PartitionRewriter.Rebuild(
                        org.apache.kafka.common.record.CompressionType.NONE, Integer.MAX_VALUE, Integer.MAX_VALUE),
                null);
        PartitionRewriter.Result zstd = rewrite(
                original,
                new PartitionRewriter.Rebuild(
                        org.apache.kafka.common.record.CompressionType.ZSTD, Integer.MAX_VALUE, Integer.MAX_VALUE),
                null);

        assertThat(batches(uncompressed.records()))
                .extracting(RecordBatch::compressionType)
                .containsExactly(
                        org.apache.kafka.common.record.CompressionType.NONE,
                        org.apache.kafka.common.record.CompressionType.NONE);
        assertThat(batches(zstd.records()))
                .extracting(RecordBatch::compressionType)
                .containsExactly(
                        org.apache.kafka.common.record.CompressionType.ZSTD,
                        org.apache.kafka.common.record.CompressionType.ZSTD);
        for (PartitionRewriter.Result result : List.of(uncompressed, zstd)) {
            List<Record> records = new ArrayList<>();
            batches(result.records()).forEach(b -> b.forEach(records::add));
            assertThat(records).hasSize(20);
            assertThat(records)
                    .extracting(Record::offset)
                    .startsWith(100L, 101L)
                    .endsWith(118L, 119L);
            assertThat(records).allSatisfy(r -> assertThat(r.value().getInt(1)).isEqualTo(v2Id));
        }
    }

    @Test
    void anUncompressedBatchThatWouldExceedTheBudgetKeepsItsCodec() {
        MemoryRecords original = twoBatches();
        int firstUncompressed = batches(rewrite(
                                original,
                                new PartitionRewriter.Rebuild(
                                        org.apache.kafka.common.record.CompressionType.NONE,
                                        Integer.MAX_VALUE,
                                        Integer.MAX_VALUE),
                                null)
                        .records())
                .get(0)
                .sizeInBytes();

        // room for the first batch uncompressed, not for the second: it keeps lz4
        PartitionRewriter.Result mixed = rewrite(
                original,
                new PartitionRewriter.Rebuild(
                        org.apache.kafka.common.record.CompressionType.NONE, firstUncompressed + 10, Integer.MAX_VALUE),
                null);
        assertThat(batches(mixed.records()))
                .extracting(RecordBatch::compressionType)
                .containsExactly(
                        org.apache.kafka.common.record.CompressionType.NONE,
                        org.apache.kafka.common.record.CompressionType.LZ4);
        assertThat(batches(mixed.records())).extracting(RecordBatch::baseOffset).containsExactly(100L, 110L);

        // and no room for more in any codec: the second batch waits for the next fetch
        PartitionRewriter.Result result = rewrite(
                original,
                new PartitionRewriter.Rebuild(
                        org.apache.kafka.common.record.CompressionType.NONE,
                        firstUncompressed + 10,
                        firstUncompressed + 10),
                null);

        List<RecordBatch> batches = batches(result.records());
        assertThat(batches)
                .extracting(RecordBatch::compressionType)
                .containsExactly(org.apache.kafka.common.record.CompressionType.NONE);
        assertThat(batches.get(0).baseOffset()).isEqualTo(100L);
        assertThat(meters.get("rosetta.translation.batches.held_back").counter().count())
                .as("the second batch, even in lz4, does not fit: held back for the next fetch")
                .isEqualTo(1.0);
    }

    @Test
    void aBatchRebuiltOnceIsServedFromTheCacheToTheNextReader() {
        RebuiltBatches cache = new RebuiltBatches(1 << 20, meters);
        MemoryRecords original = twoBatches();
        PartitionRewriter.Rebuild keep = new PartitionRewriter.Rebuild(null, Integer.MAX_VALUE, Integer.MAX_VALUE);

        PartitionRewriter.Result first = rewrite(original, keep, cache);
        PartitionRewriter.Result second = rewrite(original, keep, cache);

        assertThat(second.records().buffer()).isEqualTo(first.records().buffer());
        assertThat(meters.get("rosetta.translation.batch.cache")
                        .tag("result", "miss")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        assertThat(meters.get("rosetta.translation.batch.cache")
                        .tag("result", "hit")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        assertThat(meters.get("rosetta.records")
                        .tag("outcome", "translated")
                        .counter()
                        .count())
                .as("a batch served from the cache is delivered, so its records count again")
                .isEqualTo(40.0);

        cache.invalidateAll();
        rewrite(original, keep, cache);
        assertThat(meters.get("rosetta.translation.batch.cache")
                        .tag("result", "miss")
                        .counter()
                        .count())
                .isEqualTo(4.0);
    }
}
