package dev.rosetta.benchmarks.endtoend;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Consume throughput: one consumer reads a pre-filled topic from the beginning; the clock runs
 * from the first poll (connections and offsets already resolved) until the last record arrives.
 */
final class ConsumeWorkload {
    private ConsumeWorkload() {
    }

    static ThroughputResult run(Target target, Broker broker, String topic, long expected, Duration timeout, Options options) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ClientSettings.consumer(target, options, "consume"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
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
            while (records < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("consumer via " + target.name() + " read " + records + " of " + expected
                            + " records of " + topic + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    records++;
                    bytes += record.value().length;
                }
            }
            long nanos = System.nanoTime() - start;
            return new ThroughputResult(records, bytes, nanos,
                    ProduceWorkload.delta(proxyCpu, target.proxyCpu().cpuNanos()),
                    ProduceWorkload.delta(proxyUserCpu, target.proxyUserCpu().cpuNanos()),
                    ProduceWorkload.delta(brokerCpu, broker.cpu().cpuNanos()),
                    ThroughputResult.clientMetric(consumer.metrics(), "consumer-fetch-manager-metrics", "fetch-latency-avg"),
                    ThroughputResult.clientMetric(consumer.metrics(), "consumer-fetch-manager-metrics", "fetch-size-avg"));
        }
    }
}
