package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.FailureMode;
import dev.rosetta.config.RouteConfig.KeyRoute;
import dev.rosetta.config.routing.VersionDecision;
import dev.rosetta.proxy.translate.TranslationMetrics.Outcome;
import dev.rosetta.proxy.translate.TranslationMetrics.Stage;
import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.Translator;
import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.wire.WireFormat;

/**
 * Rewrites the record batches of one partition so that each record's value (and key, when the
 * route covers keys) is in the version the route decides for it. Shared by the fetch path (the version a client reads) and the produce path
 * (the version a topic stores).
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
    /** Look-ups the partition being rewritten waits for; null when none. */
    private List<CompletableFuture<Translator>> pending;

    /**
     * @param lookups translator look-ups started by earlier runs of the same exchange; consulted when
     *                the cache still has no answer (e.g. the look-up failed)
     */
    PartitionRewriter(TranslatorCache translators, TranslationMetrics metrics, DeadLetters deadLetters, Direction direction,
                      Map<Lookup, CompletableFuture<Translator>> lookups) {
        this.translators = translators;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.direction = direction;
        this.lookups = lookups;
    }

    /** A translator look-up: records of {@code subject} written with {@code schemaId}, read as {@code targetVersion}. */
    record Lookup(String subject, int schemaId, int targetVersion) {
    }

    /** A record that failed on the produce path under the REJECT policy. */
    record Rejection(int batchIndex, String message) {
    }

    /**
     * What happened to one partition.
     *
     * @param records    the rewritten records, or null when the partition is unchanged (or pending/rejected)
     * @param pending    look-ups to wait for before running again; nothing was rewritten
     * @param rejections produce-side records refused under the REJECT policy; nothing was rewritten
     */
    record Result(MemoryRecords records, List<CompletableFuture<Translator>> pending, List<Rejection> rejections) {
        static final Result UNCHANGED = new Result(null, List.of(), List.of());

        boolean isPending() {
            return !pending.isEmpty();
        }

        boolean isRejected() {
            return !rejections.isEmpty();
        }
    }

    Result rewrite(String topic, int partition, MemoryRecords records, RouteConfig route, VersionDecision decision) {
        long started = System.nanoTime();
        String subject = route.valueSubject();
        KeyRoute keyRoute = route.keys();
        boolean translateKeys = keyRoute != null && (direction == Direction.CONSUME || keyRoute.translateOnProduce());
        // contract version -> key version, looked up once per partition for the decision's two versions
        int keyStable = translateKeys ? keyRoute.keyVersion(decision.stableVersion()) : -1;
        int keyCanary = translateKeys ? keyRoute.keyVersion(decision.canaryVersion()) : -1;
        List<RecordOutcomes> batchCounts = new ArrayList<>(); // parallel to staged; null for control batches
        List<DeadLetters.Copy> deadLetterCopies = new ArrayList<>(); // sent only once the outcome is final
        List<TranslationException.Reason> failures = new ArrayList<>(); // counted only once the outcome is final
        pending = null;
        List<Rejection> rejections = null;
        List<Object> output = null; // RecordBatch (unchanged) or ByteBuffer (rebuilt), in order
        TranslatorMemo memo = new TranslatorMemo();
        TranslatorMemo keyMemo = translateKeys ? new TranslatorMemo() : null;
        int consumedBytes = 0;
        List<Object> staged = new ArrayList<>();
        BatchCodec codec = CODECS.get();
        for (RecordBatch batch : records.batches()) {
            consumedBytes += batch.sizeInBytes();
            if (batch.isControlBatch() || batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
                staged.add(batch);
                batchCounts.add(null);
                continue;
            }
            staged.add(batch);
            RecordOutcomes counts = new RecordOutcomes();
            batchCounts.add(counts);
            List<Record> kept = null;
            List<ByteBuffer> keys = null;
            List<ByteBuffer> values = null;
            List<Header[]> headers = null;
            boolean changed = false;
            int index = 0;
            for (Record record : codec.read(batch)) {
                ByteBuffer value = record.value();
                ByteBuffer key = record.key();
                ByteBuffer newValue = value;
                ByteBuffer newKey = key;
                Header[] newHeaders = record.headers();
                TranslationException failure = null;
                boolean failedInKey = false;
                int schemaId = WireFormat.schemaIdOrMinusOne(value);
                int failedSchemaId = schemaId;
                if (schemaId < 0) {
                    failure = new TranslationException(TranslationException.Reason.CORRUPT_PAYLOAD,
                            value == null ? "record has no value, so no Confluent schema id (topic " + topic + ")"
                                    : "value is not in the Confluent wire format (magic byte 0 + 4-byte schema id)",
                            "", subject, -1, -1, null);
                } else {
                    int targetVersion = decision.version(key, partition, record.offset());
                    Translator valueTranslator = null;
                    try {
                        valueTranslator = translator(memo, subject, schemaId, targetVersion);
                    } catch (TranslationException e) {
                        failure = e;
                    }
                    Translator keyTranslator = null;
                    if (failure == null && translateKeys && key != null) {
                        int keySchemaId = WireFormat.schemaIdOrMinusOne(key);
                        try {
                            if (keySchemaId < 0) {
                                throw new TranslationException(TranslationException.Reason.CORRUPT_PAYLOAD,
                                        "key is not in the Confluent wire format (magic byte 0 + 4-byte schema id), but the route translates keys of "
                                                + keyRoute.subject(), "", keyRoute.subject(), -1, -1, null);
                            }
                            keyTranslator = translator(keyMemo, keyRoute.subject(), keySchemaId,
                                    targetVersion == decision.stableVersion() ? keyStable : keyCanary);
                        } catch (TranslationException e) {
                            failure = e;
                            failedInKey = true;
                            failedSchemaId = keySchemaId;
                        }
                    }
                    if (failure == null && valueTranslator != null && (keyTranslator != null || !translateKeys || key == null)) {
                        // translate both parts before changing anything: a record is translated whole or not at all
                        try {
                            boolean keyChanges = keyTranslator != null && keyTranslator.sourceId() != keyTranslator.targetId();
                            if (keyChanges) {
                                try {
                                    newKey = translate(keyTranslator, key);
                                } catch (TranslationException e) {
                                    failedInKey = true;
                                    failedSchemaId = keyTranslator.sourceId();
                                    throw e;
                                }
                            }
                            if (valueTranslator.sourceId() != valueTranslator.targetId()) {
                                newValue = translate(valueTranslator, value);
                                counts.translated(valueTranslator);
                                changed = true;
                            } else if (keyChanges) {
                                counts.keyOnly();
                            } else {
                                counts.unchanged();
                            }
                            if (keyChanges) {
                                counts.keyTranslated(keyTranslator);
                                changed = true;
                            }
                        } catch (TranslationException e) {
                            failure = e;
                            newKey = key;
                            newValue = value;
                        }
                    }
                }
                if (failure != null) {
                    failures.add(failure.reason());
                    FailureMode mode = route.failure().mode();
                    String reason = describe(failure, failedSchemaId, failedInKey);
                    if (mode == FailureMode.REJECT && direction == Direction.PRODUCE) {
                        if (rejections == null) {
                            rejections = new ArrayList<>();
                        }
                        rejections.add(new Rejection(index, reason));
                    } else if (mode == FailureMode.DEAD_LETTER) {
                        long offset = direction == Direction.PRODUCE ? -1 : record.offset();
                        deadLetterCopies.add(deadLetters.copy(route, topic, partition, record, offset, reason)); // copied now: buffers get reused
                        counts.deadLettered();
                        newHeaders = withHeader(record.headers(), route.failure().header(), reason);
                        changed = true;
                    } else {
                        counts.failedPassedThrough();
                        newHeaders = withHeader(record.headers(), route.failure().header(), reason);
                        changed = true;
                    }
                }
                if (kept == null) {
                    kept = new ArrayList<>();
                    keys = translateKeys ? new ArrayList<>() : null; // null: the records keep their own keys
                    values = new ArrayList<>();
                    headers = new ArrayList<>();
                }
                kept.add(record);
                if (keys != null) {
                    keys.add(newKey);
                }
                values.add(newValue);
                headers.add(newHeaders);
                index++;
            }
            if (changed && pending == null && rejections == null) {
                staged.set(staged.size() - 1, codec.rebuild(batch, kept, keys, values, headers));
                output = staged;
            }
        }
        List<CompletableFuture<Translator>> pending = this.pending;
        this.pending = null;
        if (pending != null) {
            return new Result(null, pending, List.of()); // runs again: nothing counted yet
        }
        for (TranslationException.Reason reason : failures) {
            metrics.failure(topic, direction, reason).increment();
        }
        if (rejections != null) {
            int total = rejections.size();
            for (RecordOutcomes c : batchCounts) {
                total += c == null ? 0 : c.total();
            }
            metrics.outcome(topic, direction, Outcome.REJECTED).increment(total);
            return new Result(null, List.of(), rejections);
        }
        deadLetterCopies.forEach(deadLetters::send);
        if (output == null) {
            report(batchCounts, batchCounts.size(), topic);
            return Result.UNCHANGED;
        }
        int limit = direction == Direction.CONSUME ? growthLimit(records.sizeInBytes()) : Integer.MAX_VALUE;
        MemoryRecords rewritten = assemble(output, records, consumedBytes, limit);
        report(batchCounts, output.size(), topic); // batches held back are counted when they are delivered
        metrics.bytes(direction, Stage.BEFORE).increment(records.sizeInBytes());
        metrics.bytes(direction, Stage.AFTER).increment(rewritten.sizeInBytes());
        metrics.partitionTime(direction).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        return new Result(rewritten, List.of(), List.of());
    }

    private void report(List<RecordOutcomes> batchCounts, int delivered, String topic) {
        RecordOutcomes sum = new RecordOutcomes();
        for (int i = 0; i < delivered; i++) {
            RecordOutcomes c = batchCounts.get(i);
            if (c != null) {
                sum.add(c);
            }
        }
        sum.report(metrics, topic, direction);
    }

    /**
     * The translator for records of {@code subject} written with {@code schemaId}, read as
     * {@code targetVersion}; null when its look-up is still running (then added to {@link #pending}).
     * Throws a remembered failure.
     */
    private Translator translator(TranslatorMemo memo, String subject, int schemaId, int targetVersion) {
        Translator translator = memo.get(schemaId, targetVersion);
        if (translator == null) {
            translator = lookup(subject, schemaId, targetVersion);
            if (translator != null) {
                memo.put(schemaId, targetVersion, translator);
            } else {
                if (pending == null) {
                    pending = new ArrayList<>();
                }
                pending.add(lookups.get(new Lookup(subject, schemaId, targetVersion)));
            }
        }
        return translator;
    }

    /** The cached translator, or null after starting (or finding) the look-up; throws a remembered failure. */
    private Translator lookup(String subject, int schemaId, int targetVersion) {
        Translator cached = translators.cachedOrNull(subject, schemaId, targetVersion);
        if (cached != null) {
            return cached;
        }
        Lookup key = new Lookup(subject, schemaId, targetVersion);
        CompletableFuture<Translator> lookup = lookups.get(key);
        if (lookup == null) {
            lookups.putIfAbsent(key, translators.translator(subject, schemaId, targetVersion)); // the cache starts one compile per key
            return null;
        }
        if (!lookup.isDone()) {
            return null;
        }
        try {
            return lookup.join(); // compiled but already evicted from the cache: still usable
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TranslationException te) {
                throw te;
            }
            throw new TranslationException(TranslationException.Reason.UNKNOWN_SCHEMA,
                    "cannot get a translator for schema id " + schemaId + " to version " + targetVersion + ": " + cause,
                    "", subject, schemaId, -1, cause);
        }
    }

    private static ByteBuffer translate(Translator translator, ByteBuffer value) {
        byte[][] out = new byte[1][];
        translator.translate(value, (bytes, off, len) -> out[0] = java.util.Arrays.copyOfRange(bytes, off, off + len));
        return ByteBuffer.wrap(out[0]);
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

    private static Header[] withHeader(Header[] headers, String key, String value) {
        Header[] result = java.util.Arrays.copyOf(headers, headers.length + 1);
        result[headers.length] = new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
        return result;
    }

    /**
     * The most a translated fetch partition may grow to: its original size plus 25% (at least
     * 64 KiB). Translation can add bytes to every record; unbounded, a response could exceed what
     * a client accepts (librdkafka's receive.message.max.bytes) or was promised (fetch.max.bytes).
     */
    static int growthLimit(int originalBytes) {
        return (int) Math.min(Integer.MAX_VALUE, originalBytes + Math.max(64L * 1024, originalBytes / 4L));
    }

    private MemoryRecords assemble(List<Object> parts, MemoryRecords original, int consumedBytes, int limit) {
        int size = 0;
        for (Object part : parts) {
            size += part instanceof ByteBuffer b ? b.remaining() : ((RecordBatch) part).sizeInBytes();
        }
        int trailing = original.sizeInBytes() - consumedBytes;
        if (size + trailing > limit) {
            // Hold back whole trailing batches (never the first): the consumer advances only over
            // batches it receives, so it fetches these again, and the response stays bounded.
            trailing = 0;
            int held = 0;
            while (parts.size() > 1 && size > limit) {
                Object last = parts.remove(parts.size() - 1);
                size -= last instanceof ByteBuffer b ? b.remaining() : ((RecordBatch) last).sizeInBytes();
                held++;
            }
            metrics.heldBack(direction).increment(held);
        }
        ByteBuffer out = ByteBuffer.allocate(size + trailing);
        for (Object part : parts) {
            if (part instanceof ByteBuffer b) {
                out.put(b.duplicate());
            } else {
                ((RecordBatch) part).writeTo(out);
            }
        }
        if (trailing > 0) {
            // a partial batch at the end (the broker cut at the size limit): the client ignores it as it would
            ByteBuffer tail = original.buffer().duplicate();
            tail.position(tail.position() + consumedBytes);
            out.put(tail);
        }
        ByteBuffer result = out.flip();
        return MemoryRecords.readableRecords(result);
    }
}
