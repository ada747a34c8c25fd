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

    /** Which side of a rewrite {@link #bytes} counts. */
    public enum Stage {
        /** The record bytes of a partition as they arrived. */
        BEFORE("before"),
        /** The record bytes of the same partition as they leave, rewritten. */
        AFTER("after");

        final String tag;

        Stage(String tag) {
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
    public Counter outcome(String topic, Direction direction, Outcome outcome) {
        return counters.computeIfAbsent(
                "o|" + topic + "|" + direction.tag + "|" + outcome.tag,
                k -> Counter.builder("rosetta.records")
                        .description(
                                "Records on routed topics by outcome; the outcomes of a topic and direction add up to every record seen")
                        .tag("topic", topic)
                        .tag("direction", direction.tag)
                        .tag("outcome", outcome.tag)
                        .register(registry));
    }

    /** Records of {@code topic} translated from one version to another. */
    public Counter translated(String topic, Direction direction, int fromVersion, int toVersion) {
        return byVersions(
                "rosetta.records.translated",
                "Records translated, by versions",
                topic,
                direction,
                fromVersion,
                toVersion);
    }

    /** Record keys of {@code topic} translated from one key-subject version to another (the record's outcome is counted by value). */
    public Counter keysTranslated(String topic, Direction direction, int fromVersion, int toVersion) {
        return byVersions(
                "rosetta.records.keys.translated",
                "Record keys translated, by key-subject versions",
                topic,
                direction,
                fromVersion,
                toVersion);
    }

    private Counter byVersions(
            String name, String description, String topic, Direction direction, int fromVersion, int toVersion) {
        return counters.computeIfAbsent(
                name + "|" + topic + "|" + direction.tag + "|" + fromVersion + "|" + toVersion,
                k -> Counter.builder(name)
                        .description(description)
                        .tag("topic", topic)
                        .tag("direction", direction.tag)
                        .tag("from_version", Integer.toString(fromVersion))
                        .tag("to_version", Integer.toString(toVersion))
                        .register(registry));
    }

    /** Failed translations by reason. */
    public Counter failure(String topic, Direction direction, TranslationException.Reason reason) {
        return counters.computeIfAbsent(
                "f|" + topic + "|" + direction.tag + "|" + reason,
                k -> Counter.builder("rosetta.translation.failures")
                        .description("Records that could not be translated, by reason")
                        .tag("topic", topic)
                        .tag("direction", direction.tag)
                        .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry));
    }

    /** Time spent rewriting one partition's records (decode, translate, re-encode the batches). */
    public Timer partitionTime(Direction direction) {
        return timers.computeIfAbsent(
                direction.tag,
                d -> Timer.builder("rosetta.translation.partition.time")
                        .description(
                                "Time to rewrite the records of one partition in a fetch response or produce request")
                        .tag("direction", d)
                        .publishPercentiles(0.5, 0.99)
                        .register(registry));
    }

    /** Batches left out of a translated fetch response to keep its growth bounded; the client fetches them again. */
    public Counter heldBack(Direction direction) {
        return counters.computeIfAbsent(
                "h|" + direction.tag,
                k -> Counter.builder("rosetta.translation.batches.held_back")
                        .description(
                                "Batches left out of a rewritten fetch response to keep its growth bounded (fetched again by the client)")
                        .tag("direction", direction.tag)
                        .register(registry));
    }

    /** Fetch responses or produce requests large enough to be rewritten by the translation workers instead of the event loop. */
    public Counter offloaded(Direction direction) {
        return counters.computeIfAbsent(
                "w|" + direction.tag,
                k -> Counter.builder("rosetta.translation.offloaded")
                        .description(
                                "Messages whose partitions were rewritten in parallel by the translation workers (the rest are rewritten on the event loop)")
                        .tag("direction", direction.tag)
                        .register(registry));
    }

    /** Bytes of record data before and after rewriting (only partitions that were rewritten). */
    public Counter bytes(Direction direction, Stage stage) {
        return counters.computeIfAbsent(
                "b|" + direction.tag + "|" + stage.tag,
                k -> Counter.builder("rosetta.translation.bytes")
                        .description("Record bytes of rewritten partitions, before and after")
                        .baseUnit("bytes")
                        .tag("direction", direction.tag)
                        .tag("stage", stage.tag)
                        .register(registry));
    }
}
