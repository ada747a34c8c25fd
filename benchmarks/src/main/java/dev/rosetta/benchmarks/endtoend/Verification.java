package dev.rosetta.benchmarks.endtoend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Checks, outside every timed section, that each target really does what its name says: the
 * translating proxy delivers (and stores) v2 records carrying the values that were sent as v1, the
 * others deliver the v1 records byte for byte. A failed check stops the run (non-zero exit).
 */
final class Verification {
    private static final int SAMPLE = 600;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Verification() {}

    /** The first records of {@code topic} as a consumer of {@code target} reads them. */
    static void consumed(Target target, String topic, Payload.AvroOrders payload) {
        check(
                "consumed via " + target.name(),
                readFirst(target.bootstrapServers(), topic, "bench-verify-" + target.name()),
                target.readsSchemaId(),
                topic,
                payload);
    }

    /** The first records of {@code topic} as stored on the broker (read directly) after producing through {@code target}. */
    static void stored(Target target, Broker broker, String topic, Payload.AvroOrders payload) {
        check(
                "produced via " + target.name() + ", read directly",
                readFirst(broker.bootstrapServers(), topic, "bench-verify-stored"),
                target.storesSchemaId(),
                topic,
                payload);
    }

    private static void check(
            String what, List<byte[]> values, int expectedId, String topic, Payload.AvroOrders payload) {
        if (values.isEmpty()) {
            throw new IllegalStateException("verification: no records of " + topic + " " + what);
        }
        for (int i = 0; i < values.size(); i++) {
            String problem = payload.check(values.get(i), expectedId);
            if (problem != null) {
                throw new IllegalStateException(
                        "verification failed: record " + i + " of " + topic + " " + what + ": " + problem);
            }
        }
        System.out.printf(
                "verified %d records of %s %s: schema id %d, values as sent%s%n",
                values.size(),
                topic,
                what,
                expectedId,
                expectedId == Payload.schemaId(payload.value(0))
                        ? " (byte for byte)"
                        : " (upcast: amountCents = amount, currency EUR)");
    }

    private static List<byte[]> readFirst(String bootstrap, String topic, String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (values.size() < SAMPLE && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
