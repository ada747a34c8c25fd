package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.jspecify.annotations.Nullable;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.FailureMode;
import dev.rosetta.config.routing.VersionDecision;
import dev.rosetta.proxy.net.FrameBuffers;
import dev.rosetta.proxy.translate.TranslationMetrics.Outcome;
import dev.rosetta.proxy.translate.TranslationMetrics.Stage;
import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.Translator;
import dev.rosetta.translators.TranslatorCache;

import io.netty.buffer.ByteBuf;

/**
 * Rewrites the record batches of one partition so that each record's value (and key, when the
 * route covers keys) is in the version the route decides for it. Shared by the fetch path (the
 * version a client reads) and the produce path (the version a topic stores). A record is translated
 * whole, key and value, or not at all ({@link RecordTranslator}); one that cannot be translated
 * follows the route's failure policy: delivered as it is with an explanatory header, also copied
 * to the dead-letter topic, or, on produce, refused with its whole partition.
 *
 * <p>Only batches that contain a record to change are rebuilt; the others are copied as they are,
 * and a partition with nothing to change is left untouched (the caller keeps the original bytes).
 * A rebuilt batch keeps its base offset and every record's offset, timestamp, key and headers, the
 * producer id, epoch and base sequence, the transactional flag, the partition leader epoch, the
 * codec, and its last offset and max timestamp (so a batch thinned by compaction still ends where
 * it did); see {@link BatchCodec}, which decodes and encodes batches with per-thread buffers.
 * Control batches and a trailing partial batch pass through untouched.
 *
 * <p>Never blocks: translators come from the cache or are requested and reported as
 * {@link Result#pending()}, in which case nothing is rewritten and the caller retries later.
 * Not thread-safe; one instance per thread at a time (an exchange's partitions may run on several
 * translation workers, each with its own instance).
 */
final class PartitionRewriter {
    private final TranslatorCache translators;
    private final TranslationMetrics metrics;
    private final DeadLetters deadLetters;
    private final Direction direction;
    private final Map<Lookup, CompletableFuture<Translator>> lookups;
    /** Fetch batches already rebuilt; null on the produce path or when the cache is off. */
    private final @Nullable RebuiltBatches rebuilt;
    /** Batch decoding and encoding buffers, one set per thread (event loops and translation workers). */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PartitionRewriter.class);

    private static final ThreadLocal<BatchCodec> CODECS = ThreadLocal.withInitial(BatchCodec::new);
    /** The edits of the batch being rewritten, one set per thread, reused from batch to batch. */
    private static final ThreadLocal<RecordEdits> EDITS = ThreadLocal.withInitial(RecordEdits::new);

    /**
     * @param lookups translator look-ups started by earlier runs of the same exchange; consulted when
     *                the cache still has no answer (e.g. the look-up failed)
     * @param rebuilt fetch batches already rebuilt, or null for none (always none on the produce path)
     */
    PartitionRewriter(
            TranslatorCache translators,
            TranslationMetrics metrics,
            DeadLetters deadLetters,
            Direction direction,
            Map<Lookup, CompletableFuture<Translator>> lookups,
            @Nullable RebuiltBatches rebuilt) {
        this.translators = translators;
        this.rebuilt = direction == Direction.CONSUME ? rebuilt : null;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.direction = direction;
        this.lookups = lookups;
    }

    /** A translator look-up: records of {@code subject} written with {@code schemaId}, read as {@code targetVersion}. */
    record Lookup(String subject, int schemaId, int targetVersion) {}

    /** A record that failed on the produce path under the REJECT policy: its index in its batch, and why. */
    record Rejection(int batchIndex, String message) {}

    /**
     * What happened to one partition.
     *
     * @param records    the rewritten records, or null when the partition is unchanged (or pending/rejected)
     * @param buffer     the pooled buffer {@code records} live in, which the caller releases once done with
     *                   them (after encoding the message); null when {@code records} is null
     * @param pending    look-ups to wait for before running again; nothing was rewritten
     * @param rejections produce-side records refused under the REJECT policy; nothing was rewritten
     */
    record Result(
            @Nullable MemoryRecords records,
            @Nullable ByteBuf buffer,
            List<CompletableFuture<Translator>> pending,
            List<Rejection> rejections,
            List<DeadLetters.PendingCopy> deadLetters,
            @Nullable Counts counts) {
        static final Result UNCHANGED = new Result(null, null, List.of(), List.of(), List.of(), null);

        Result(
                @Nullable MemoryRecords records,
                @Nullable ByteBuf buffer,
                List<CompletableFuture<Translator>> pending,
                List<Rejection> rejections) {
            this(records, buffer, pending, rejections, List.of(), null);
        }

        /** The same result with the dead-letter copies of produced records, sent once the broker stored them. */
        Result withDeadLetters(List<DeadLetters.PendingCopy> copies) {
            return copies.isEmpty()
                    ? this
                    : new Result(records, buffer, pending, rejections, List.copyOf(copies), counts);
        }

        /** The same result with the produced records' counts, reported once the broker stored them. */
        Result withCounts(@Nullable Counts produced) {
            return new Result(records, buffer, pending, rejections, deadLetters, produced);
        }

        boolean isPending() {
            return !pending.isEmpty();
        }

        boolean isRejected() {
            return !rejections.isEmpty();
        }
    }

    /**
     * How rebuilt batches are written: in {@code codec} (null: each batch's own codec); a batch
     * whose codec changes to none must keep the partition within {@code codecBudget} bytes or keeps
     * its codec (see {@link BatchCodec#rebuild(RecordBatch, RecordEdits, CompressionType, int,
     * BatchCodec.Output)}); batches beyond {@code budget} bytes are held back ({@link Run#assemble}).
     */
    record Rebuild(@Nullable CompressionType codec, int codecBudget, int budget) {
        /** The produce path: every batch keeps its codec, and the records are what the producer sent. */
        static final Rebuild PRODUCE = new Rebuild(null, Integer.MAX_VALUE, Integer.MAX_VALUE);

        /** The fetch path's usual bound for a partition of {@code size} bytes: {@link #growthLimit}. */
        static Rebuild fetch(@Nullable CompressionType codec, int size) {
            int limit = growthLimit(size);
            return new Rebuild(codec, limit, limit);
        }
    }

    /** {@link #rewrite(String, int, MemoryRecords, RouteConfig, VersionDecision, Rebuild)} with each batch's own codec and the direction's default budget. */
    Result rewrite(String topic, int partition, MemoryRecords records, RouteConfig route, VersionDecision decision) {
        Rebuild how = direction == Direction.CONSUME ? Rebuild.fetch(null, records.sizeInBytes()) : Rebuild.PRODUCE;
        return rewrite(topic, partition, records, route, decision, how);
    }

    /**
     * Rewrites one partition's records for {@code decision}. Only a final outcome (rewritten,
     * unchanged or rejected, not pending) has {@link Result#counts()}, each record in exactly one outcome, for
     * the caller to report once the message's fate is known, and sends the dead-letter copies of the fetched
     * records that failed.
     */
    Result rewrite(
            String topic,
            int partition,
            MemoryRecords records,
            RouteConfig route,
            VersionDecision decision,
            Rebuild how) {
        long started = System.nanoTime();
        RecordEdits edits = EDITS.get();
        Run run = new Run(
                topic,
                partition,
                route,
                decision,
                records,
                how,
                edits,
                new RecordTranslator(translators, lookups, edits, direction, topic, partition, route, decision));
        try {
            java.util.Iterator<? extends RecordBatch> batches =
                    records.batches().iterator();
            while (true) {
                RecordBatch batch;
                try {
                    if (!batches.hasNext()) {
                        break;
                    }
                    batch = batches.next();
                } catch (org.apache.kafka.common.KafkaException | IllegalArgumentException e) {
                    // what follows does not split into batches: no magic, no size to trust (a size near 2^31 makes
                    // Kafka's iterator set a negative limit: IllegalArgumentException)
                    run.unreadableRest(e);
                    break;
                }
                run.rewrite(batch);
            }
        } catch (RuntimeException e) {
            run.discard();
            throw e;
        }
        if (run.translator.isPending()) {
            run.discard();
            return new Result(null, null, run.translator.pending(), List.of()); // runs again: nothing counted yet
        }
        List<Rejection> rejections = run.rejections;
        if (rejections != null) {
            run.discard();
            int counted = run.outcomes(run.parts).total();
            return new Result(null, null, List.of(), rejections)
                    .withCounts(new Counts(
                            metrics,
                            topic,
                            direction,
                            new RecordOutcomes(),
                            rejections.size() + counted,
                            Map.copyOf(run.failures)));
        }
        boolean produce = direction == Direction.PRODUCE;
        // a fetched record's copy goes now; a produced one's once the broker says where it stored the record
        List<DeadLetters.PendingCopy> produced = produce ? run.deadLetterCopies : List.of();
        if (!produce) {
            run.deadLetterCopies.forEach(c -> deadLetters.send(c.copy()));
        }
        BatchCodec.Output out = run.out;
        MemoryRecords rewritten = out == null ? null : run.assemble(out); // may hold trailing batches back
        // batches held back are counted when they are delivered
        Counts counts = new Counts(metrics, topic, direction, run.outcomes(run.parts), 0, Map.copyOf(run.failures));
        if (out == null || rewritten == null) {
            return Result.UNCHANGED.withDeadLetters(produced).withCounts(counts);
        }
        metrics.bytes(direction, Stage.BEFORE).increment(records.sizeInBytes());
        metrics.bytes(direction, Stage.AFTER).increment(rewritten.sizeInBytes());
        metrics.partitionTime(direction).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return new Result(rewritten, out.buffer(), List.of(), List.of())
                .withDeadLetters(produced)
                .withCounts(counts);
    }

    /**
     * The outcomes and failures of one partition's records, counted by whoever knows the partition's fate, once:
     * {@link PartitionJobs} when the whole message is final (a run in which another partition still waits for a
     * look-up runs every partition again), and on the produce path {@link ProduceTranslator} once the broker
     * answered that it stored the records, so that a produce the broker refused, or one whose answer never came
     * back, is counted by the retry that succeeds, not twice.
     */
    static final class Counts {
        private final TranslationMetrics metrics;
        private final String topic;
        private final Direction direction;
        private final RecordOutcomes outcomes;
        /** Records refused with their partition under the REJECT policy (then {@link #outcomes} is empty). */
        private final int rejected;

        /** How many records failed, by reason. */
        private final Map<TranslationException.Reason, Integer> failures;

        Counts(
                TranslationMetrics metrics,
                String topic,
                Direction direction,
                RecordOutcomes outcomes,
                int rejected,
                Map<TranslationException.Reason, Integer> failures) {
            this.metrics = metrics;
            this.topic = topic;
            this.direction = direction;
            this.outcomes = outcomes;
            this.rejected = rejected;
            this.failures = failures;
        }

        /** Whether the partition was refused: it never reaches the broker, so it is counted at once. */
        boolean rejected() {
            return rejected > 0;
        }

        void report() {
            failures.forEach(
                    (reason, n) -> metrics.failure(topic, direction, reason).increment(n));
            if (rejected > 0) {
                metrics.outcome(topic, direction, Outcome.REJECTED).increment(rejected);
            }
            outcomes.report(metrics, topic, direction);
        }
    }

    /**
     * One run of {@link #rewrite} over a partition's batches. A run that meets a look-up still in
     * progress goes on to the end, so that every look-up the partition needs starts now, but builds
     * no more batches: its result is pending and the partition runs again.
     *
     * <p>Until a batch changes, nothing is copied. The first changed batch starts the partition's
     * new records ({@link #out}, one array, sized for the original): the batches before it are
     * copied in, it is rebuilt in place, and every later batch is appended, as it is or rebuilt.
     */
    private final class Run {
        private final String topic;
        private final int partition;
        private final RouteConfig route;
        private final VersionDecision decision;
        private final MemoryRecords records;
        private final Rebuild how;
        private final RecordTranslator translator;
        private final BatchCodec codec = CODECS.get();
        private final RecordEdits edits;
        /** Copied when a record fails, sent only once the outcome is final. */
        private final List<DeadLetters.PendingCopy> deadLetterCopies = new ArrayList<>();
        /** Records of the partition before the current batch, and the current batch's base offset. */
        private long recordsBefore;

        private long batchBase;
        /** Counted only once the outcome is final. */
        private final EnumMap<TranslationException.Reason, Integer> failures =
                new EnumMap<>(TranslationException.Reason.class);
        /** Null until a record is rejected. */
        private @Nullable List<Rejection> rejections;
        /** How the records of each batch so far ended; the parts delivered are the first {@link #parts}. */
        private final List<RecordOutcomes> outcomes = new ArrayList<>();
        /** Where each batch ends in the partition's new records (or in the original, before {@link #out} exists). */
        private int[] ends = new int[8];

        private int parts;
        /** Bytes of the original consumed by whole batches. */
        private int consumed;
        /** The partition's new records; null while no batch changed. */
        private BatchCodec.@Nullable Output out;

        Run(
                String topic,
                int partition,
                RouteConfig route,
                VersionDecision decision,
                MemoryRecords records,
                Rebuild how,
                RecordEdits edits,
                RecordTranslator translator) {
            this.topic = topic;
            this.partition = partition;
            this.route = route;
            this.decision = decision;
            this.records = records;
            this.how = how;
            this.edits = edits;
            this.translator = translator;
        }

        /** Adds the batch as it is delivered: kept as it is, or rebuilt when a record in it changed. */
        void rewrite(RecordBatch batch) {
            if (batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
                legacy(batch);
                return;
            }
            batchBase = batch.baseOffset();
            boolean whole = batch.sizeInBytes() >= DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
            try {
                rewriteBatch(batch, whole);
            } finally {
                recordsBefore += whole ? batch.lastOffset() - batch.baseOffset() + 1 : 0;
            }
        }

        /**
         * A batch of the old formats (magic 0 or 1) passes as it came. Its base offset is its first record's, which
         * a compressed one gives only once decompressed: a corrupt one cannot, and the batch still passes as it
         * came (for the broker or client to refuse), without moving the count of records before the next batch.
         */
        private void legacy(RecordBatch batch) {
            consumed += batch.sizeInBytes();
            keep(batch, new RecordOutcomes());
            try {
                recordsBefore += batch.lastOffset() - batch.baseOffset() + 1;
            } catch (RuntimeException unreadable) { // Kafka's reading of it throws what the corruption leads to
                // (KafkaException, IllegalArgumentException for an unknown codec id, ...): the batch passes regardless
                LOG.debug(
                        "{}-{}: a batch of magic v{} cannot be read: {}", topic, partition, batch.magic(), unreadable);
            }
        }

        private void rewriteBatch(RecordBatch batch, boolean whole) {
            RecordOutcomes counted = new RecordOutcomes();
            int start = consumed;
            consumed += batch.sizeInBytes();
            if (!whole) { // shorter than its own header: nothing in it can be read (found by WireFuzzTest)
                unreadable(
                        batch,
                        new org.apache.kafka.common.InvalidRecordException(
                                "the batch is " + batch.sizeInBytes() + " bytes, shorter than a batch header"),
                        counted);
                return;
            }
            if (batch.isControlBatch()) {
                keep(batch, counted);
                return;
            }
            RebuiltBatches cache = rebuilt;
            RebuiltBatches.Key key = null;
            if (cache != null && rejections == null && !translator.isPending()) {
                key = RebuiltBatches.Key.of(topic, partition, batch, route, decision, how.codec());
                RebuiltBatches.Entry hit = cache.get(key);
                if (hit != null && fits(hit, batch, start)) {
                    BatchCodec.Output target = startOutput(start);
                    target.append(hit.bytes(), 0, hit.bytes().length);
                    added(target.size(), hit.outcomes());
                    return;
                }
            }
            List<Record> read;
            try {
                read = codec.read(batch);
            } catch (org.apache.kafka.common.KafkaException e) {
                unreadable(batch, e, counted);
                return;
            }
            try {
                boolean changed = false;
                for (Record record : read) {
                    RecordEdits.Edit edit = edits.add(record);
                    RecordTranslator.Failure failure = translator.translate(edit, counted);
                    if (failure != null) {
                        fail(edit, edits.size() - 1, failure, counted);
                    }
                    changed |= edit.changed();
                }
                // pending or rejected, the partition will not be delivered rewritten: building batches is wasted work
                if (!changed || translator.isPending() || rejections != null) {
                    keep(batch, counted);
                    return;
                }
                BatchCodec.Output target = startOutput(start);
                CompressionType type = how.codec() != null ? how.codec() : batch.compressionType();
                int from = target.size();
                codec.rebuild(batch, edits, type, how.codecBudget(), target);
                added(target.size(), counted);
                if (cache != null && key != null) {
                    boolean shareable = counted.clean() && codec.lastCodec() == type;
                    cache.rebuilt(
                            key,
                            shareable
                                    ? new RebuiltBatches.Entry(
                                            java.util.Arrays.copyOfRange(
                                                    target.bytes(),
                                                    target.offset() + from,
                                                    target.offset() + target.size()),
                                            counted)
                                    : null);
                }
            } finally {
                edits.clear();
            }
        }

        /**
         * Whether a cached batch may be used here: always in its own codec; in another codec (an
         * uncompressed one, typically) only within this response's budget, which depends on the
         * request that the batch was first rebuilt for.
         */
        private boolean fits(RebuiltBatches.Entry hit, RecordBatch batch, int start) {
            BatchCodec.Output target = out;
            long size = (target == null ? start : target.size()) + (long) hit.bytes().length;
            return how.codec() == null || how.codec() == batch.compressionType() || size <= how.codecBudget();
        }

        private void keep(RecordBatch batch, RecordOutcomes counted) {
            BatchCodec.Output target = out;
            if (target == null) {
                added(consumed, counted); // the original's bytes, where they are
                return;
            }
            ByteBuffer bytes = records.buffer().duplicate();
            bytes.position(bytes.position() + consumed - batch.sizeInBytes())
                    .limit(bytes.position() + batch.sizeInBytes());
            target.append(bytes);
            added(target.size(), counted);
        }

        /** The new records, holding a copy of the original's first {@code kept} bytes (batches not changed). */
        private BatchCodec.Output startOutput(int kept) {
            BatchCodec.Output target = out;
            if (target == null) {
                int size = records.sizeInBytes();
                target = new BatchCodec.Output(FrameBuffers.allocator(), size + Math.max(16 << 10, size / 8));
                ByteBuffer before = records.buffer().duplicate();
                before.limit(before.position() + kept);
                target.append(before);
                out = target;
            }
            return target;
        }

        private void added(int end, RecordOutcomes counted) {
            if (parts == ends.length) {
                ends = java.util.Arrays.copyOf(ends, parts * 2);
            }
            ends[parts++] = end;
            outcomes.add(counted);
        }

        /** Gives back the new records' buffer: the partition will not be delivered rewritten. */
        void discard() {
            BatchCodec.Output target = out;
            if (target != null) {
                target.buffer().release();
                out = null;
            }
        }

        /** The records of the first {@code n} batches. */
        RecordOutcomes outcomes(int n) {
            RecordOutcomes sum = new RecordOutcomes();
            for (int i = 0; i < n; i++) {
                sum.add(outcomes.get(i));
            }
            return sum;
        }

        /**
         * The partition's new records: the batches, then the trailing partial batch. When that
         * exceeds the budget, trailing batches are held back instead (never the first): the
         * consumer advances only over batches it receives, so it fetches these again, and the
         * response stays bounded.
         */
        MemoryRecords assemble(BatchCodec.Output target) {
            int trailing = records.sizeInBytes() - consumed;
            int limit = how.budget();
            if ((long) target.size() + trailing > limit) {
                trailing = 0;
                int held = 0;
                while (parts > 1 && ends[parts - 1] > limit) {
                    parts--;
                    held++;
                }
                target.truncate(ends[parts - 1]);
                metrics.heldBack(direction).increment(held);
            }
            if (trailing > 0) {
                // a partial batch at the end (the broker cut at the size limit): the client ignores it as it would
                ByteBuffer tail = records.buffer().duplicate();
                tail.position(tail.position() + consumed);
                target.append(tail);
            }
            return MemoryRecords.readableRecords(target.records());
        }

        /**
         * A batch whose records cannot be read (corrupt, or a decompression bomb): every record in it fails with
         * {@code CORRUPT_BATCH}. It passes as it came (no header can be added to records that cannot be read, and
         * no copy made of them), or, on a produce route that rejects, the partition is refused.
         */
        private void unreadable(RecordBatch batch, org.apache.kafka.common.KafkaException e, RecordOutcomes counted) {
            Integer declared =
                    batch.sizeInBytes() >= DefaultRecordBatch.RECORD_BATCH_OVERHEAD ? batch.countOrNull() : null;
            // the header of a batch that cannot be read may declare any count: no more than its bytes could hold
            int count = declared == null ? 0 : Math.max(0, Math.min(declared, codec.mostRecords(batch)));
            String reason = "CORRUPT_BATCH the batch at offset " + batch.baseOffset() + " of " + topic + "-" + partition
                    + " cannot be read: " + e.getMessage();
            failed(TranslationException.Reason.CORRUPT_BATCH, count);
            if (route.failure().mode() == FailureMode.REJECT && direction == Direction.PRODUCE) {
                if (rejections == null) {
                    rejections = new ArrayList<>();
                }
                rejections.add(new Rejection(0, reason));
                return;
            }
            LOG.warn("{}: left as it is", reason);
            counted.failedPassedThrough(count);
            keep(batch, counted);
        }

        /**
         * The partition's bytes after the batches read so far cannot be cut into batches (an unknown magic byte, a
         * size shorter than a record): none of their records can be read, or even counted. They pass as they came,
         * as the trailing bytes of the partition ({@link #assemble}), for the broker or the client to refuse; on a
         * produce route that rejects, the partition is refused.
         */
        void unreadableRest(RuntimeException e) {
            String reason = "CORRUPT_BATCH the records of " + topic + "-" + partition + " after " + consumed
                    + " bytes cannot be cut into batches: " + e.getMessage();
            failed(TranslationException.Reason.CORRUPT_BATCH, 1);
            if (route.failure().mode() == FailureMode.REJECT && direction == Direction.PRODUCE) {
                if (rejections == null) {
                    rejections = new ArrayList<>();
                }
                rejections.add(new Rejection(0, reason));
                return;
            }
            LOG.warn("{}: left as they are", reason);
        }

        /** Counts {@code n} failures for {@code reason}, reported once the outcome is final. */
        private void failed(TranslationException.Reason reason, int n) {
            failures.merge(reason, n, Integer::sum);
        }

        /** Applies the route's failure policy to a record that could not be translated, the {@code index}th of its batch. */
        private void fail(RecordEdits.Edit edit, int index, RecordTranslator.Failure failure, RecordOutcomes counted) {
            failed(failure.cause().reason(), 1);
            FailureMode mode = route.failure().mode();
            String reason = describe(failure.cause(), failure.schemaId(), failure.inKey());
            if (mode == FailureMode.REJECT && direction == Direction.PRODUCE) {
                if (rejections == null) {
                    rejections = new ArrayList<>();
                }
                rejections.add(new Rejection(index, reason));
                return;
            }
            if (mode == FailureMode.DEAD_LETTER) {
                long offset =
                        direction == Direction.PRODUCE ? -1 : edit.record().offset();
                // copied now: the record's buffers are reused once the codec reads the next batch
                deadLetterCopies.add(new DeadLetters.PendingCopy(
                        deadLetters.copy(route, topic, partition, edit.record(), offset, reason),
                        recordsBefore + edit.record().offset() - batchBase));
                counted.deadLettered();
            } else {
                counted.failedPassedThrough();
            }
            edit.explain(route.failure().header(), reason);
        }
    }

    /** {@code inKey}: the record's key failed (its value may have been fine). */
    static String describe(TranslationException failure, int schemaId, boolean inKey) {
        StringBuilder text = new StringBuilder(failure.reason().name());
        if (inKey) {
            text.append(" in key");
        }
        if (schemaId >= 0) {
            text.append(" schema id ").append(schemaId);
        }
        if (failure.fieldPath() != null && !failure.fieldPath().isEmpty()) {
            text.append(" at ").append(failure.fieldPath());
        }
        text.append(": ").append(failure.getRawMessage());
        return text.toString();
    }

    /**
     * The most a translated fetch partition may grow to: its original size plus 25% (at least
     * 64 KiB). Translation can add bytes to every record; unbounded, a response could exceed what
     * a client accepts (librdkafka's receive.message.max.bytes) or was promised (fetch.max.bytes).
     */
    static int growthLimit(int originalBytes) {
        return (int) Math.min(Integer.MAX_VALUE, originalBytes + Math.max(64L * 1024, originalBytes / 4L));
    }
}
