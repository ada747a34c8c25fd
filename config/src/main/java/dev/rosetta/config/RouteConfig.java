package dev.rosetta.config;

import java.util.Objects;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.jspecify.annotations.Nullable;

/**
 * How one topic's records are translated: which subject names its schemas, which version
 * each consumer reads, which version producers' records are stored in, and what happens
 * when a record cannot be translated. Immutable; construct through {@link ConfigLoader} to get
 * errors with line numbers, or directly (the constructor rejects impossible values).
 *
 * @param topic        the Kafka topic
 * @param valueSubject registry subject of the value schema (default TopicNameStrategy: {@code <topic>-value})
 * @param keys         how record keys are translated, or null when keys pass unchanged
 * @param consume      what consumers read; null means consumers get records as stored
 * @param produce      what records are stored as; null means records are stored as produced
 * @param failure      what to do with a record that cannot be translated (default PASS_THROUGH)
 */
public record RouteConfig(
        String topic,
        String valueSubject,
        @Nullable KeyRoute keys,
        @Nullable ConsumeConfig consume,
        @Nullable ProduceConfig produce,
        FailurePolicy failure) {

    public RouteConfig {
        String problem = topicProblem(topic);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (valueSubject == null) { // defensive: callers pass defaultValueSubject(topic)
            valueSubject = defaultValueSubject(topic);
        }
        if (valueSubject.isBlank()) {
            throw new IllegalArgumentException("valueSubject must not be blank");
        }
        if (consume == null && produce == null) {
            throw new IllegalArgumentException("route for '" + topic + "' has neither consume nor produce");
        }
        if (keys != null) {
            String unmapped = keys.unmappedVersion(consume, produce);
            if (unmapped != null) {
                throw new IllegalArgumentException(unmapped);
            }
        }
        if (failure == null) {
            failure = FailurePolicy.DEFAULT;
        }
        if (topic.equals(failure.deadLetterTopic())) {
            throw new IllegalArgumentException("deadLetterTopic must differ from the routed topic");
        }
    }

    /** The value subject of TopicNameStrategy: {@code <topic>-value}. */
    public static String defaultValueSubject(String topic) {
        return topic + "-value";
    }

    /** Registry subject of the key schema, or null when keys pass unchanged. */
    public @Nullable String keySubject() {
        return keys == null ? null : keys.subject();
    }

    /** A consume-only route on {@code <topic>-value} where every consumer reads {@code version}. */
    public static RouteConfig consumeOnly(String topic, int version) {
        return new RouteConfig(
                topic, defaultValueSubject(topic), null, ConsumeConfig.of(version), null, FailurePolicy.DEFAULT);
    }

    public RouteConfig withConsume(@Nullable ConsumeConfig value) {
        return new RouteConfig(topic, valueSubject, keys, value, produce, failure);
    }

    public RouteConfig withProduce(@Nullable ProduceConfig value) {
        return new RouteConfig(topic, valueSubject, keys, consume, value, failure);
    }

    public RouteConfig withFailure(FailurePolicy value) {
        return new RouteConfig(topic, valueSubject, keys, consume, produce, value);
    }

    /** Null when {@code name} is a legal Kafka topic name, otherwise why not. */
    static @Nullable String topicProblem(@Nullable String name) {
        if (name == null) {
            return "topic is required";
        }
        try {
            Topic.validate(name);
            return null;
        } catch (InvalidTopicException e) {
            return e.getMessage();
        }
    }

    /**
     * Translation of record keys (Confluent-framed keys of {@code subject}). The route's versions
     * are contract versions, decided per record exactly as for values; {@code versions} maps each
     * to the key subject's version, so one decision gives a record's value and key shape together.
     *
     * <p>On fetch, keys are translated to the key version of the version the consumer reads. On
     * produce they are stored as the producer sent them unless {@code translateOnProduce}: the
     * producer chose the partition by hashing its own key bytes, so rewriting them makes stored
     * keys uniform (compaction then groups a key written by old and new producers together) but
     * the same logical key may sit in different partitions when producers of several versions
     * write it.
     *
     * @param subject            registry subject of the key schema
     * @param versions           contract version to key version; empty means the same number
     * @param translateOnProduce whether produced keys are rewritten to the stored version's key version
     */
    public record KeyRoute(String subject, java.util.Map<Integer, Integer> versions, boolean translateOnProduce) {

        public KeyRoute {
            if (subject == null || subject.isBlank()) {
                throw new IllegalArgumentException("keySubject must be a subject name");
            }
            versions = versions == null
                    ? java.util.Map.of()
                    : java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(versions));
            for (var e : versions.entrySet()) {
                checkVersion(e.getKey(), "keyVersions key");
                checkVersion(e.getValue(), "keyVersions." + e.getKey());
            }
        }

        /** Keys of {@code subject} in the version with the same number as the contract version. */
        public static KeyRoute of(String subject) {
            return new KeyRoute(subject, java.util.Map.of(), false);
        }

        /** The key subject's version for records read or stored as contract {@code version}. */
        public int keyVersion(int version) {
            if (versions.isEmpty()) {
                return version;
            }
            Integer mapped = versions.get(version);
            if (mapped == null) {
                throw new IllegalStateException(
                        "keyVersions has no entry for version " + version); // prevented by RouteConfig
            }
            return mapped;
        }

        /** Null when every version the sides use has a key version, otherwise which one does not. */
        @Nullable
        String unmappedVersion(@Nullable ConsumeConfig consume, @Nullable ProduceConfig produce) {
            if (versions.isEmpty()) {
                return null;
            }
            java.util.List<String> missing = new java.util.ArrayList<>();
            if (consume != null) {
                missingKey(consume.version(), "consume.version", missing);
                for (int i = 0; i < consume.overrides().size(); i++) {
                    missingKey(consume.overrides().get(i).version(), "consume.overrides[" + i + "].version", missing);
                }
                if (consume.rollout() != null) {
                    missingKey(consume.rollout().version(), "consume.rollout.version", missing);
                }
            }
            if (produce != null) {
                missingKey(produce.version(), "produce.version", missing);
                if (produce.rollout() != null) {
                    missingKey(produce.rollout().version(), "produce.rollout.version", missing);
                }
            }
            return missing.isEmpty()
                    ? null
                    : "keyVersions maps versions " + versions.keySet() + " but not " + String.join(", ", missing)
                            + "; add an entry (contract version: key version) for each";
        }

        private void missingKey(int version, String where, java.util.List<String> missing) {
            if (!versions.containsKey(version)) {
                missing.add(where + " " + version);
            }
        }
    }

    /** What consumers of a topic read. */
    public record ConsumeConfig(
            int version,
            java.util.List<ConsumeOverride> overrides,
            @Nullable RolloutConfig rollout) {

        public ConsumeConfig {
            checkVersion(version, "consume.version");
            overrides = overrides == null ? java.util.List.of() : java.util.List.copyOf(overrides);
        }

        public static ConsumeConfig of(int version) {
            return new ConsumeConfig(version, java.util.List.of(), null);
        }

        public ConsumeConfig withRollout(@Nullable RolloutConfig value) {
            return new ConsumeConfig(version, overrides, value);
        }
    }

    /**
     * Pins matching consumers to {@code version}, ahead of the default and the rollout. Globs use
     * {@code *} (any run of characters) and {@code ?} (one character). When both are given both
     * must match; at least one is required. The first matching override in list order wins.
     *
     * @param clientId  glob on the Kafka {@code client.id}, or null
     * @param principal glob on the authenticated principal (e.g. {@code User:analytics}), or null
     * @param version   the version matching consumers read
     */
    public record ConsumeOverride(
            @Nullable String clientId, @Nullable String principal, int version) {

        public ConsumeOverride {
            if (clientId == null && principal == null) {
                throw new IllegalArgumentException("an override needs clientId or principal");
            }
            checkVersion(version, "override version");
        }
    }

    /** What records produced to a topic are stored as. */
    public record ProduceConfig(int version, @Nullable RolloutConfig rollout) {

        public ProduceConfig {
            checkVersion(version, "produce.version");
        }

        public static ProduceConfig of(int version) {
            return new ProduceConfig(version, null);
        }

        public ProduceConfig withRollout(@Nullable RolloutConfig value) {
            return new ProduceConfig(version, value);
        }
    }

    /**
     * A new version ramped by percentage: records whose rollout bucket is below
     * {@code percent * 1000} (of 100,000) get {@code version}.
     *
     * @param version the canary version
     * @param percent 0..100, at most three decimals
     */
    public record RolloutConfig(int version, double percent) {

        public RolloutConfig {
            checkVersion(version, "rollout.version");
            if (!(percent >= 0 && percent <= 100)) {
                throw new IllegalArgumentException("percent must be 0..100, got " + percent);
            }
        }

        /** The bucket threshold: buckets {@code [0, threshold)} take the canary version. */
        public int threshold() {
            return (int) Math.round(percent * 1000);
        }
    }

    /** What happens to a record that cannot be translated. Nothing is dropped silently. */
    public enum FailureMode {
        /** Deliver or store the original bytes with an explanatory header. */
        PASS_THROUGH,
        /** Copy the original to {@code deadLetterTopic}; the original still passes with the header. */
        DEAD_LETTER,
        /** Produce side: refuse the batch with INVALID_RECORD. Consume side behaves as PASS_THROUGH. */
        REJECT
    }

    /**
     * @param mode            what to do
     * @param header          name of the header that explains a failure (default {@value #DEFAULT_HEADER})
     * @param deadLetterTopic where DEAD_LETTER copies failures; required for DEAD_LETTER, else null
     */
    public record FailurePolicy(
            FailureMode mode, String header, @Nullable String deadLetterTopic) {

        public static final String DEFAULT_HEADER = "rosetta.error";
        public static final FailurePolicy DEFAULT = new FailurePolicy(FailureMode.PASS_THROUGH, DEFAULT_HEADER, null);

        public FailurePolicy {
            Objects.requireNonNull(mode, "mode");
            if (header == null) {
                header = DEFAULT_HEADER;
            }
            if (header.isBlank()) {
                throw new IllegalArgumentException("header must not be blank");
            }
            if (mode == FailureMode.DEAD_LETTER && deadLetterTopic == null) {
                throw new IllegalArgumentException("DEAD_LETTER needs deadLetterTopic");
            }
            if (mode != FailureMode.DEAD_LETTER && deadLetterTopic != null) {
                throw new IllegalArgumentException("deadLetterTopic is only used with DEAD_LETTER");
            }
            String problem = deadLetterTopic == null ? null : topicProblem(deadLetterTopic);
            if (problem != null) {
                throw new IllegalArgumentException("deadLetterTopic: " + problem);
            }
        }
    }

    static void checkVersion(int version, String what) {
        if (version < 1) {
            throw new IllegalArgumentException(what + " must be a schema version >= 1, got " + version);
        }
    }
}
