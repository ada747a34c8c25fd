package dev.rosetta.benchmarks.endtoend;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * End-to-end latency at a moderate, fixed rate: a producer paced at {@code latencyRate} records/s
 * and a consumer tailing the same (new, empty) topic, both in this JVM. Each value starts with the
 * record's <em>scheduled</em> send time ({@link System#nanoTime()}); the consumer subtracts it from
 * its receive time. Using the schedule rather than the actual send time keeps a stalled producer
 * (GC, a full buffer) visible in the latencies instead of hiding it (coordinated omission).
 */
final class LatencyWorkload {
    private LatencyWorkload() {}

    static LatencyResult run(
            Target target, String topic, Duration duration, Duration warmup, Options options, Payload payload) {
        long interval = TimeUnit.SECONDS.toNanos(1) / options.latencyRate();
        int total = (int) (duration.toNanos() / interval);
        long[] latencies = new long[total];
        CountDownLatch ready = new CountDownLatch(1);
        AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
        long[] received = new long[2]; // [0] received, [1] recorded; written by the consumer thread, read after join
        Tail tail = new Tail(target, options, payload, topic, ready, total, latencies, received, consumerFailure);
        byte[] value = payload.latencyValue();
        long proxyCpuNanos;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ClientSettings.producer(target, options, "latency", payload))) {
            producer.partitionsFor(topic);
            tail.start();
            awaitQuietly(ready, Duration.ofSeconds(30), "the latency consumer via " + target.name() + " to start");
            long proxyCpu = target.proxyCpu().cpuNanos();
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
            tail.measureFrom = start + warmup.toNanos();
            for (int i = 0; i < total; i++) {
                long scheduled = start + i * interval;
                long wait;
                while ((wait = scheduled - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                payload.stamp(
                        value, scheduled); // send() serializes and appends before returning: the array can be reused
                producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
            proxyCpuNanos = ProduceWorkload.delta(proxyCpu, target.proxyCpu().cpuNanos());
        } finally {
            try {
                tail.join(TimeUnit.SECONDS.toMillis(15)); // the consumer stops once it has every record
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            tail.stop = true;
            try {
                tail.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (consumerFailure.get() != null) {
            throw new IllegalStateException(
                    "latency consumer via " + target.name() + " failed: " + consumerFailure.get(),
                    consumerFailure.get());
        }
        if (received[0] < total) {
            throw new IllegalStateException("latency consumer via " + target.name() + " received " + received[0]
                    + " of " + total + " records of " + topic);
        }
        return LatencyResult.of(total, received[0], latencies, (int) received[1], proxyCpuNanos);
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout, String what) {
        try {
            if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }

    /** The tailing consumer; stops when it has every record or when told to. */
    private static final class Tail extends Thread {
        private final Target target;
        private final Options options;
        private final Payload payload;
        private final String topic;
        private final CountDownLatch ready;
        private final int total;
        private final long[] latencies;
        private final long[] received;
        private final AtomicReference<Throwable> failure;
        volatile long measureFrom = Long.MAX_VALUE;
        volatile boolean stop;

        Tail(
                Target target,
                Options options,
                Payload payload,
                String topic,
                CountDownLatch ready,
                int total,
                long[] latencies,
                long[] received,
                AtomicReference<Throwable> failure) {
            super("latency-consumer-" + target.name());
            setDaemon(true);
            this.target = target;
            this.options = options;
            this.payload = payload;
            this.topic = topic;
            this.ready = ready;
            this.total = total;
            this.latencies = latencies;
            this.received = received;
            this.failure = failure;
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(ClientSettings.consumer(target, options, "latency"))) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                partitions.forEach(consumer::position);
                consumer.poll(Duration.ZERO); // first fetch sessions open before the producer starts
                ready.countDown();
                long count = 0;
                int recorded = 0;
                while (count < total && !stop) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        long scheduled = payload.stamp(record.value());
                        if (target.readsSchemaId() >= 0 && Payload.schemaId(record.value()) != target.readsSchemaId()) {
                            throw new IllegalStateException("latency consumer via " + target.name()
                                    + " read a record with schema id " + Payload.schemaId(record.value())
                                    + ", expected " + target.readsSchemaId());
                        }
                        count++;
                        if (scheduled >= measureFrom && recorded < latencies.length) {
                            latencies[recorded++] = now - scheduled;
                        }
                    }
                }
                received[0] = count;
                received[1] = recorded;
            } catch (Throwable e) {
                failure.set(e);
                ready.countDown();
            }
        }
    }
}
