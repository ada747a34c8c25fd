package dev.rosetta.benchmarks.endtoend;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Consume throughput: one consumer reads a pre-filled topic from the beginning; the clock runs
 * from the first poll (connections and offsets already resolved) until the last record arrives.
 * Bytes are those of the record values as delivered to the consumer (after translation, if any).
 * The schema id of the last record is checked against the target's after the clock stops.
 */
final class ConsumeWorkload {
    private ConsumeWorkload() {}

    static ThroughputResult run(
            Target target, Broker broker, String topic, long expected, Duration timeout, Options options) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(ClientSettings.consumer(target, options, "consume"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position); // resolve offsets before the clock starts
            long proxyCpu = target.proxyCpu().cpuNanos();
            long proxyUserCpu = target.proxyUserCpu().cpuNanos();
            long brokerCpu = broker.cpu().cpuNanos();
            long start = System.nanoTime();
            long deadline = start + timeout.toNanos();
            long records = 0;
            long bytes = 0;
            byte @Nullable [] last = null;
            while (records < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("consumer via " + target.name() + " read " + records + " of "
                            + expected + " records of " + topic + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    records++;
                    bytes += record.value().length;
                    last = record.value();
                }
            }
            long nanos = System.nanoTime() - start;
            // last is null only when nothing was expected (and nothing read): then there is no id to check
            if (last != null && target.readsSchemaId() >= 0 && Payload.schemaId(last) != target.readsSchemaId()) {
                throw new IllegalStateException("consumer via " + target.name() + ": the last record of " + topic
                        + " has schema id " + Payload.schemaId(last) + ", expected " + target.readsSchemaId());
            }
            return new ThroughputResult(
                    records,
                    bytes,
                    nanos,
                    ProduceWorkload.delta(proxyCpu, target.proxyCpu().cpuNanos()),
                    ProduceWorkload.delta(proxyUserCpu, target.proxyUserCpu().cpuNanos()),
                    ProduceWorkload.delta(brokerCpu, broker.cpu().cpuNanos()),
                    ThroughputResult.clientMetric(
                            consumer.metrics(), "consumer-fetch-manager-metrics", "fetch-latency-avg"),
                    ThroughputResult.clientMetric(
                            consumer.metrics(), "consumer-fetch-manager-metrics", "fetch-size-avg"));
        }
    }
}
