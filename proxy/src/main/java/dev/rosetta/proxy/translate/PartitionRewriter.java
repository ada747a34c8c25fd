package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.jspecify.annotations.Nullable;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.FailureMode;
import dev.rosetta.config.routing.VersionDecision;
import dev.rosetta.proxy.translate.TranslationMetrics.Outcome;
import dev.rosetta.proxy.translate.TranslationMetrics.Stage;
import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.Translator;
import dev.rosetta.translators.TranslatorCache;

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
    /** Batch decoding and encoding buffers, one set per thread (event loops and translation workers). */
    private static final ThreadLocal<BatchCodec> CODECS = ThreadLocal.withInitial(BatchCodec::new);
    /** The edits of the batch being rewritten, one set per thread, reused from batch to batch. */
    private static final ThreadLocal<RecordEdits> EDITS = ThreadLocal.withInitial(RecordEdits::new);

    /**
     * @param lookups translator look-ups started by earlier runs of the same exchange; consulted when
     *                the cache still has no answer (e.g. the look-up failed)
     */
    PartitionRewriter(
            TranslatorCache translators,
            TranslationMetrics metrics,
            DeadLetters deadLetters,
            Direction direction,
            Map<Lookup, CompletableFuture<Translator>> lookups) {
        this.translators = translators;
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
     * @param pending    look-ups to wait for before running again; nothing was rewritten
     * @param rejections produce-side records refused under the REJECT policy; nothing was rewritten
     */
    record Result(
            @Nullable MemoryRecords records, List<CompletableFuture<Translator>> pending, List<Rejection> rejections) {
        static final Result UNCHANGED = new Result(null, List.of(), List.of());

        boolean isPending() {
            return !pending.isEmpty();
        }

        boolean isRejected() {
            return !rejections.isEmpty();
        }
    }

    /**
     * Rewrites one partition's records for {@code decision}. Only a final outcome (rewritten,
     * unchanged or rejected, not pending) counts the records, each in exactly one outcome, and
     * sends the dead-letter copies of the records that failed.
     */
    Result rewrite(String topic, int partition, MemoryRecords records, RouteConfig route, VersionDecision decision) {
        long started = System.nanoTime();
        Run run = new Run(
                topic,
                partition,
                route,
                new RecordTranslator(translators, lookups, direction, topic, partition, route, decision));
        List<BatchPart> parts = new ArrayList<>();
        int consumedBytes = 0;
        for (RecordBatch batch : records.batches()) {
            consumedBytes += batch.sizeInBytes();
            parts.add(run.rewrite(batch));
        }
        if (run.translator.isPending()) {
            return new Result(null, run.translator.pending(), List.of()); // runs again: nothing counted yet
        }
        for (TranslationException.Reason reason : run.failures) {
            metrics.failure(topic, direction, reason).increment();
        }
        List<Rejection> rejections = run.rejections;
        if (rejections != null) {
            int counted = outcomes(parts).total();
            metrics.outcome(topic, direction, Outcome.REJECTED).increment(rejections.size() + counted);
            return new Result(null, List.of(), rejections);
        }
        run.deadLetterCopies.forEach(deadLetters::send);
        if (!run.rebuiltAny) {
            outcomes(parts).report(metrics, topic, direction);
            return Result.UNCHANGED;
        }
        int limit = direction == Direction.CONSUME ? growthLimit(records.sizeInBytes()) : Integer.MAX_VALUE;
        MemoryRecords rewritten = assemble(parts, records, consumedBytes, limit);
        outcomes(parts).report(metrics, topic, direction); // batches held back are counted when they are delivered
        metrics.bytes(direction, Stage.BEFORE).increment(records.sizeInBytes());
        metrics.bytes(direction, Stage.AFTER).increment(rewritten.sizeInBytes());
        metrics.partitionTime(direction).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return new Result(rewritten, List.of(), List.of());
    }

    /**
     * One run of {@link #rewrite} over a partition's batches. A run that meets a look-up still in
     * progress goes on to the end, so that every look-up the partition needs starts now, but builds
     * no more batches: its result is pending and the partition runs again.
     */
    private final class Run {
        private final String topic;
        private final int partition;
        private final RouteConfig route;
        private final RecordTranslator translator;
        private final BatchCodec codec = CODECS.get();
        private final RecordEdits edits = EDITS.get();
        /** Copied when a record fails, sent only once the outcome is final. */
        private final List<DeadLetters.Copy> deadLetterCopies = new ArrayList<>();
        /** Counted only once the outcome is final. */
        private final List<TranslationException.Reason> failures = new ArrayList<>();
        /** Null until a record is rejected. */
        private @Nullable List<Rejection> rejections;

        private boolean rebuiltAny;

        Run(String topic, int partition, RouteConfig route, RecordTranslator translator) {
            this.topic = topic;
            this.partition = partition;
            this.route = route;
            this.translator = translator;
        }

        /** The batch as it is delivered: kept as it is, or rebuilt when a record in it changed. */
        BatchPart rewrite(RecordBatch batch) {
            RecordOutcomes outcomes = new RecordOutcomes();
            if (batch.isControlBatch() || batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
                return new Kept(batch, outcomes);
            }
            try {
                boolean changed = false;
                for (Record record : codec.read(batch)) {
                    RecordEdits.Edit edit = edits.add(record);
                    RecordTranslator.Failure failure = translator.translate(edit, outcomes);
                    if (failure != null) {
                        fail(edit, edits.size() - 1, failure, outcomes);
                    }
                    changed |= edit.changed();
                }
                // pending or rejected, the partition will not be delivered rewritten: building batches is wasted work
                if (!changed || translator.isPending() || rejections != null) {
                    return new Kept(batch, outcomes);
                }
                rebuiltAny = true;
                return new Rebuilt(codec.rebuild(batch, edits), outcomes);
            } finally {
                edits.clear();
            }
        }

        /** Applies the route's failure policy to a record that could not be translated, the {@code index}th of its batch. */
        private void fail(RecordEdits.Edit edit, int index, RecordTranslator.Failure failure, RecordOutcomes outcomes) {
            failures.add(failure.cause().reason());
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
                deadLetterCopies.add(deadLetters.copy(route, topic, partition, edit.record(), offset, reason));
                outcomes.deadLettered();
            } else {
                outcomes.failedPassedThrough();
            }
            edit.explain(route.failure().header(), reason);
        }
    }

    /** One batch of the partition as it is delivered, with how its records ended (counted only if it is delivered). */
    private sealed interface BatchPart permits Kept, Rebuilt {
        int sizeInBytes();

        void writeTo(ByteBuffer out);

        RecordOutcomes outcomes();
    }

    /**
     * A batch delivered byte for byte as it arrived: nothing in it changed, it is a control or
     * pre-v2 batch, or the partition will not be delivered rewritten (pending, rejected).
     */
    private record Kept(RecordBatch batch, RecordOutcomes outcomes) implements BatchPart {
        @Override
        public int sizeInBytes() {
            return batch.sizeInBytes();
        }

        @Override
        public void writeTo(ByteBuffer out) {
            batch.writeTo(out);
        }
    }

    /** A batch rebuilt with its records' edits; the buffer is the rewriter's own (from {@link BatchCodec#rebuild}). */
    private record Rebuilt(ByteBuffer bytes, RecordOutcomes outcomes) implements BatchPart {
        @Override
        public int sizeInBytes() {
            return bytes.remaining();
        }

        @Override
        public void writeTo(ByteBuffer out) {
            out.put(bytes.duplicate());
        }
    }

    private static RecordOutcomes outcomes(List<BatchPart> parts) {
        RecordOutcomes sum = new RecordOutcomes();
        for (BatchPart part : parts) {
            sum.add(part.outcomes());
        }
        return sum;
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

    /**
     * The partition's new records: the parts, then the trailing partial batch. When that exceeds
     * {@code limit}, trailing parts are held back (and removed from {@code parts}) instead.
     */
    private MemoryRecords assemble(List<BatchPart> parts, MemoryRecords original, int consumedBytes, int limit) {
        int size = 0;
        for (BatchPart part : parts) {
            size += part.sizeInBytes();
        }
        int trailing = original.sizeInBytes() - consumedBytes;
        if (size + trailing > limit) {
            // Hold back whole trailing batches (never the first): the consumer advances only over
            // batches it receives, so it fetches these again, and the response stays bounded.
            trailing = 0;
            int held = 0;
            while (parts.size() > 1 && size > limit) {
                size -= parts.remove(parts.size() - 1).sizeInBytes();
                held++;
            }
            metrics.heldBack(direction).increment(held);
        }
        ByteBuffer out = ByteBuffer.allocate(size + trailing);
        for (BatchPart part : parts) {
            part.writeTo(out);
        }
        if (trailing > 0) {
            // a partial batch at the end (the broker cut at the size limit): the client ignores it as it would
            ByteBuffer tail = original.buffer().duplicate();
            tail.position(tail.position() + consumedBytes);
            out.put(tail);
        }
        return MemoryRecords.readableRecords(out.flip());
    }
}
