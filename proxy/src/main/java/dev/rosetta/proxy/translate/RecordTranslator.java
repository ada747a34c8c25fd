package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jspecify.annotations.Nullable;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.KeyRoute;
import dev.rosetta.config.routing.VersionDecision;
import dev.rosetta.proxy.translate.PartitionRewriter.Lookup;
import dev.rosetta.translators.ByteSink;
import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;
import dev.rosetta.translators.Translator;
import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.wire.WireFormat;

/**
 * Translates the records of one partition to the versions a route decision gives them, each record
 * whole (its value and, when the route covers keys in this direction, its key) or not at all.
 *
 * <p>Made for one run over a partition. Never blocks: a translator that is neither cached nor
 * already looked up is requested, the record that needs it is left as it is, and the look-up is
 * reported in {@link #pending()}; the partition is then rewritten again once it completes.
 * Not thread-safe. A translated key or value is kept in the batch's {@link RecordEdits#keep arena};
 * per record only the buffer that views it is allocated on success.
 */
final class RecordTranslator {
    /**
     * Why a record could not be translated.
     *
     * @param schemaId the schema id of the part that failed, or -1 when it has none
     * @param inKey    the record's key failed (its value may have been fine)
     */
    record Failure(TranslationException cause, int schemaId, boolean inKey) {}

    private final TranslatorCache translators;
    /** Look-ups started by earlier runs of the same exchange; consulted when the cache has no answer. */
    private final Map<Lookup, CompletableFuture<Translator>> lookups;

    private final String topic;
    private final int partition;
    private final VersionDecision decision;
    private final String subject;
    private final TranslatorMemo valueTranslators = new TranslatorMemo();
    /** The key subject and its versions when keys are translated in this direction, else null. */
    private final @Nullable KeyRoute keys;

    private final @Nullable TranslatorMemo keyTranslators;
    // contract version -> key version, looked up once per partition for the decision's two versions
    private final int keyStable;
    private final int keyCanary;
    /** Look-ups this run waits for; null when none. */
    private @Nullable List<CompletableFuture<Translator>> pending;
    /** The output of the last {@link #translate(Translator, ByteBuffer)}: a sink cannot return it. */
    private @Nullable ByteBuffer output;

    private final ByteSink keepOutput;

    RecordTranslator(
            TranslatorCache translators,
            Map<Lookup, CompletableFuture<Translator>> lookups,
            RecordEdits edits,
            Direction direction,
            String topic,
            int partition,
            RouteConfig route,
            VersionDecision decision) {
        this.translators = translators;
        this.lookups = lookups;
        this.keepOutput = (bytes, off, len) -> output = edits.keep(bytes, off, len);
        this.topic = topic;
        this.partition = partition;
        this.decision = decision;
        this.subject = route.valueSubject();
        KeyRoute keyRoute = route.keys();
        KeyRoute keys =
                keyRoute != null && (direction == Direction.CONSUME || keyRoute.translateOnProduce()) ? keyRoute : null;
        this.keys = keys;
        this.keyTranslators = keys != null ? new TranslatorMemo() : null;
        this.keyStable = keys != null ? keys.keyVersion(decision.stableVersion()) : -1;
        this.keyCanary = keys != null ? keys.keyVersion(decision.canaryVersion()) : -1;
    }

    /** Whether some record waits for a translator look-up; the run's result cannot be final. */
    boolean isPending() {
        return pending != null;
    }

    /** The look-ups to wait for before running again (possibly one per record that needs it); empty when none. */
    List<CompletableFuture<Translator>> pending() {
        return pending == null ? List.of() : pending;
    }

    /**
     * Translates the record of {@code edit}: on success the edit gets the new key and value (when
     * either changes) and the record is counted in {@code outcomes}. On failure the edit is left as
     * it was and the failure returned, for the caller's failure policy to count. A record waiting
     * for a look-up is left as it was and not counted.
     *
     * @return the failure, or null
     */
    @Nullable
    Failure translate(RecordEdits.Edit edit, RecordOutcomes outcomes) {
        ByteBuffer value = edit.value();
        ByteBuffer key = edit.key();
        int schemaId = WireFormat.schemaIdOrMinusOne(value);
        if (schemaId < 0) {
            return new Failure(
                    new TranslationException(
                            Reason.CORRUPT_PAYLOAD,
                            value == null
                                    ? "record has no value, so no Confluent schema id (topic " + topic + ")"
                                    : "value is not in the Confluent wire format (magic byte 0 + 4-byte schema id)",
                            "",
                            subject,
                            -1,
                            -1,
                            null),
                    schemaId,
                    false);
        }
        int targetVersion = decision.version(key, partition, edit.record().offset());
        @Nullable Translator valueTranslator;
        try {
            valueTranslator = translator(valueTranslators, subject, schemaId, targetVersion);
        } catch (TranslationException e) {
            return new Failure(e, schemaId, false);
        }
        Translator keyTranslator = null;
        KeyRoute keys = this.keys;
        if (keys != null && key != null) {
            int keySchemaId = WireFormat.schemaIdOrMinusOne(key);
            if (keySchemaId < 0) {
                return new Failure(
                        new TranslationException(
                                Reason.CORRUPT_PAYLOAD,
                                "key is not in the Confluent wire format (magic byte 0 + 4-byte schema id), but the route translates keys of "
                                        + keys.subject(),
                                "",
                                keys.subject(),
                                -1,
                                -1,
                                null),
                        keySchemaId,
                        true);
            }
            try {
                keyTranslator = translator(
                        Objects.requireNonNull(keyTranslators),
                        keys.subject(),
                        keySchemaId,
                        targetVersion == decision.stableVersion() ? keyStable : keyCanary);
            } catch (TranslationException e) {
                return new Failure(e, keySchemaId, true);
            }
        }
        // a look-up still running (the key's is started even when the value's is): try again on the next run
        if (valueTranslator == null || (keys != null && key != null && keyTranslator == null)) {
            return null;
        }
        return translateWhole(edit, schemaId, valueTranslator, keyTranslator, outcomes);
    }

    /** Translates both parts before changing the edit: a record is translated whole or not at all. */
    private @Nullable Failure translateWhole(
            RecordEdits.Edit edit,
            int schemaId,
            Translator valueTranslator,
            @Nullable Translator keyTranslator,
            RecordOutcomes outcomes) {
        boolean keyChanges = keyTranslator != null && keyTranslator.sourceId() != keyTranslator.targetId();
        boolean valueChanges = valueTranslator.sourceId() != valueTranslator.targetId();
        ByteBuffer newKey = edit.key();
        if (keyTranslator != null && keyChanges) {
            try {
                newKey = translate(
                        keyTranslator, Objects.requireNonNull(newKey, "a key translator is found only for a key"));
            } catch (TranslationException e) {
                return new Failure(e, keyTranslator.sourceId(), true);
            }
        }
        ByteBuffer newValue = edit.value();
        if (valueChanges) {
            try {
                newValue = translate(valueTranslator, Objects.requireNonNull(newValue, "a framed value was read"));
            } catch (TranslationException e) {
                return new Failure(e, schemaId, false);
            }
        }
        if (keyChanges || valueChanges) {
            edit.translated(newKey, newValue);
        }
        if (valueChanges) {
            outcomes.translated(valueTranslator);
        } else if (keyChanges) {
            outcomes.keyOnly();
        } else {
            outcomes.unchanged();
        }
        if (keyTranslator != null && keyChanges) {
            outcomes.keyTranslated(keyTranslator);
        }
        return null;
    }

    /**
     * The translator for records of {@code subject} written with {@code schemaId}, read as
     * {@code targetVersion}; null when its look-up is still running (then added to {@link #pending}).
     * Throws a remembered failure.
     */
    private @Nullable Translator translator(TranslatorMemo memo, String subject, int schemaId, int targetVersion) {
        Translator translator = memo.get(schemaId, targetVersion);
        if (translator == null) {
            translator = lookup(subject, schemaId, targetVersion);
            if (translator != null) {
                memo.put(schemaId, targetVersion, translator);
            } else {
                if (pending == null) {
                    pending = new ArrayList<>();
                }
                pending.add(Objects.requireNonNull(
                        lookups.get(new Lookup(subject, schemaId, targetVersion)), "lookup() started it"));
            }
        }
        return translator;
    }

    /** The cached translator, or null after starting (or finding) the look-up; throws a remembered failure. */
    private @Nullable Translator lookup(String subject, int schemaId, int targetVersion) {
        Translator cached = translators.cachedOrNull(subject, schemaId, targetVersion);
        if (cached != null) {
            return cached;
        }
        Lookup key = new Lookup(subject, schemaId, targetVersion);
        CompletableFuture<Translator> lookup = lookups.get(key);
        if (lookup == null) {
            lookups.putIfAbsent(
                    key,
                    translators.translator(subject, schemaId, targetVersion)); // the cache starts one compile per key
            return null;
        }
        if (!lookup.isDone()) {
            return null;
        }
        try {
            return lookup.join(); // compiled but already evicted from the cache: still usable
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TranslationException te) {
                throw te;
            }
            throw new TranslationException(
                    Reason.UNKNOWN_SCHEMA,
                    "cannot get a translator for schema id " + schemaId + " to version " + targetVersion + ": " + cause,
                    "",
                    subject,
                    schemaId,
                    -1,
                    cause);
        }
    }

    private ByteBuffer translate(Translator translator, ByteBuffer payload) {
        translator.translate(payload, keepOutput);
        ByteBuffer translated = Objects.requireNonNull(output, "the translator wrote its output");
        output = null;
        return translated;
    }
}
