package dev.rosetta.proxy.translate;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.rosetta.translators.TranslationException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Meters of record translation. Look-ups are per partition and per (translator, topic), never per
 * record: callers count records in a loop and add the count once.
 *
 * <p>Every record on a routed topic ends in exactly one outcome, so
 * {@code records_seen = translated + unchanged + failed_passed_through + dead_lettered + rejected}
 * reconciles per topic and direction.
 */
public final class TranslationMetrics {
    /** How a record left the proxy. */
    public enum Outcome {
        /** Rewritten to the version its reader or the topic expects. */
        TRANSLATED("translated"),
        /** Already in the expected version: delivered as it was. */
        UNCHANGED("unchanged"),
        /** Could not be translated: delivered as it was, with an explanatory header. */
        FAILED_PASSED_THROUGH("failed_passed_through"),
        /** Could not be translated: copied to the route's dead-letter topic. */
        DEAD_LETTERED("dead_lettered"),
        /** Could not be translated on produce: the partition was answered with INVALID_RECORD. */
        REJECTED("rejected");

        final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    public TranslationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records of {@code topic} that ended in {@code outcome}. */
    public Counter outcome(String topic, String direction, Outcome outcome) {
        return counters.computeIfAbsent("o|" + topic + "|" + direction + "|" + outcome.tag, k -> Counter.builder("rosetta.records")
                .description("Records on routed topics by outcome; the outcomes of a topic and direction add up to every record seen")
                .tag("topic", topic).tag("direction", direction).tag("outcome", outcome.tag).register(registry));
    }

    /** Records of {@code topic} translated from one version to another. */
    public Counter translated(String topic, String direction, int fromVersion, int toVersion) {
        return counters.computeIfAbsent("t|" + topic + "|" + direction + "|" + fromVersion + "|" + toVersion, k -> Counter.builder("rosetta.records.translated")
                .description("Records translated, by versions")
                .tag("topic", topic).tag("direction", direction)
                .tag("from_version", Integer.toString(fromVersion)).tag("to_version", Integer.toString(toVersion)).register(registry));
    }

    /** Record keys of {@code topic} translated from one key-subject version to another (the record's outcome is counted by value). */
    public Counter keysTranslated(String topic, String direction, int fromVersion, int toVersion) {
        return counters.computeIfAbsent("k|" + topic + "|" + direction + "|" + fromVersion + "|" + toVersion, k -> Counter.builder("rosetta.records.keys.translated")
                .description("Record keys translated, by key-subject versions")
                .tag("topic", topic).tag("direction", direction)
                .tag("from_version", Integer.toString(fromVersion)).tag("to_version", Integer.toString(toVersion)).register(registry));
    }

    /** Failed translations by reason. */
    public Counter failure(String topic, String direction, TranslationException.Reason reason) {
        return counters.computeIfAbsent("f|" + topic + "|" + direction + "|" + reason, k -> Counter.builder("rosetta.translation.failures")
                .description("Records that could not be translated, by reason")
                .tag("topic", topic).tag("direction", direction).tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
    }

    /** Time spent rewriting one partition's records (decode, translate, re-encode the batches). */
    public Timer partitionTime(String direction) {
        return timers.computeIfAbsent(direction, d -> Timer.builder("rosetta.translation.partition.time")
                .description("Time to rewrite the records of one partition in a fetch response or produce request")
                .tag("direction", d).publishPercentiles(0.5, 0.99).register(registry));
    }

    /** Batches left out of a translated fetch response to keep its growth bounded; the client fetches them again. */
    public Counter heldBack(String direction) {
        return counters.computeIfAbsent("h|" + direction, k -> Counter.builder("rosetta.translation.batches.held_back")
                .description("Batches left out of a rewritten fetch response to keep its growth bounded (fetched again by the client)")
                .tag("direction", direction).register(registry));
    }

    /** Fetch responses or produce requests large enough to be rewritten by the translation workers instead of the event loop. */
    public Counter offloaded(String direction) {
        return counters.computeIfAbsent("w|" + direction, k -> Counter.builder("rosetta.translation.offloaded")
                .description("Messages whose partitions were rewritten in parallel by the translation workers (the rest are rewritten on the event loop)")
                .tag("direction", direction).register(registry));
    }

    /** Bytes of record data before and after rewriting (only partitions that were rewritten). */
    public Counter bytes(String direction, String stage) {
        return counters.computeIfAbsent("b|" + direction + "|" + stage, k -> Counter.builder("rosetta.translation.bytes")
                .description("Record bytes of rewritten partitions, before and after").baseUnit("bytes")
                .tag("direction", direction).tag("stage", stage).register(registry));
    }
}
