package dev.rosetta.benchmarks.endtoend;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produce throughput: one producer sends {@code records} records as fast as it can to an empty
 * topic; the clock runs from the first send until {@code flush()} returns, i.e. every record is
 * acknowledged by the broker (acks=all).
 */
final class ProduceWorkload {
    private ProduceWorkload() {}

    static ThroughputResult run(
            Target target, Broker broker, String topic, int records, Options options, Payload payload) {
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        ThroughputResult result;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ClientSettings.producer(target, options, "produce", payload))) {
            producer.partitionsFor(topic); // metadata before the clock starts
            long proxyCpu = target.proxyCpu().cpuNanos();
            long proxyUserCpu = target.proxyUserCpu().cpuNanos();
            long brokerCpu = broker.cpu().cpuNanos();
            long bytes = 0;
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                byte[] value = payload.value(i);
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> {
                    if (error != null && failed.getAndIncrement() == 0) {
                        firstFailure.set(error);
                    }
                });
            }
            producer.flush(); // bounded by delivery.timeout.ms
            long nanos = System.nanoTime() - start;
            result = new ThroughputResult(
                    records,
                    bytes,
                    nanos,
                    delta(proxyCpu, target.proxyCpu().cpuNanos()),
                    delta(proxyUserCpu, target.proxyUserCpu().cpuNanos()),
                    delta(brokerCpu, broker.cpu().cpuNanos()),
                    ThroughputResult.clientMetric(producer.metrics(), "producer-metrics", "request-latency-avg"),
                    ThroughputResult.clientMetric(producer.metrics(), "producer-metrics", "request-size-avg"));
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(
                    failed.get() + " of " + records + " records to " + topic + " via " + target.name()
                            + " failed; first: " + firstFailure.get(),
                    firstFailure.get());
        }
        return result;
    }

    static long delta(long before, long after) {
        return before < 0 || after < 0 ? -1 : after - before;
    }
}
