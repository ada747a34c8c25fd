package dev.rosetta.benchmarks.soak;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.jspecify.annotations.Nullable;

import dev.rosetta.benchmarks.endtoend.Payload;

/**
 * A producer that sends Avro v1 orders at a fixed rate until stopped (or a fixed number of
 * records, for short-lived visitors). Every record's key is its value's {@code id} (16 hex
 * digits), so rollout buckets are sticky per order and a reader can check the key against the
 * value. Counts what the broker acknowledged and what failed; the client's own
 * {@code record-send-total} and {@code record-retry-total} are read before it closes.
 */
final class PacedProducer implements Runnable {
    /** Values are sent in turn; the index of the i-th record sent by producer {@code n} of {@code stride}. */
    private final String name;

    private final Properties props;
    private final Payload.AvroOrders payload;
    private final String topic;
    private final double rate;
    private final long limit;
    private final long firstIndex;
    private final long stride;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong scheduleResets = new AtomicLong();
    private final AtomicReference<@Nullable String> firstError = new AtomicReference<>();
    private volatile boolean stop;
    private volatile double sendTotal = Double.NaN;
    private volatile double retryTotal = Double.NaN;

    /**
     * @param rate  records per second; 0 or less sends {@code limit} records as fast as the client takes them
     * @param limit records to send before stopping by itself, or {@link Long#MAX_VALUE}
     */
    PacedProducer(
            String name,
            Properties props,
            Payload.AvroOrders payload,
            String topic,
            double rate,
            long limit,
            long firstIndex,
            long stride) {
        this.name = name;
        this.props = props;
        this.payload = payload;
        this.topic = topic;
        this.rate = rate;
        this.limit = limit;
        this.firstIndex = firstIndex;
        this.stride = stride;
    }

    @Override
    public void run() {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            long start = System.nanoTime();
            double intervalNanos = rate > 0 ? 1e9 / rate : 0;
            long n = 0;
            long scheduleBase = 0; // the n the schedule counts from since its last reset
            while (!stop && n < limit) {
                if (rate > 0) {
                    long due = start + (long) ((n - scheduleBase) * intervalNanos);
                    long now = System.nanoTime();
                    if (now - due > TimeUnit.SECONDS.toNanos(1)) {
                        // more than a second behind (a stall): start the schedule again rather than burst
                        start = now;
                        scheduleBase = n;
                        scheduleResets.incrementAndGet();
                    } else if (due > now) {
                        LockSupport.parkNanos(due - now);
                        continue;
                    }
                }
                long index = firstIndex + n * stride;
                byte[] value = payload.value(index);
                byte[] key = Keys.of(value);
                producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                    if (error == null) {
                        acked.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, error.toString());
                    }
                });
                sent.incrementAndGet();
                n++;
            }
            producer.flush();
            sendTotal = metric(producer.metrics(), "record-send-total");
            retryTotal = metric(producer.metrics(), "record-retry-total");
        } catch (RuntimeException e) {
            firstError.compareAndSet(null, name + " failed: " + e);
            failed.incrementAndGet();
        }
    }

    private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
        for (var e : metrics.entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return Double.NaN;
    }

    void stop() {
        stop = true;
    }

    String name() {
        return name;
    }

    long acked() {
        return acked.get();
    }

    long failed() {
        return failed.get();
    }

    long sent() {
        return sent.get();
    }

    long scheduleResets() {
        return scheduleResets.get();
    }

    @Nullable
    String firstError() {
        return firstError.get();
    }

    /** The client's {@code record-send-total} (retries included), read after its last flush; NaN before. */
    double sendTotal() {
        return sendTotal;
    }

    /** The client's {@code record-retry-total}, read after its last flush; NaN before. */
    double retryTotal() {
        return retryTotal;
    }

    /** Record keys: the order's id, which both contract versions carry first, right after the Confluent header. */
    static final class Keys {
        /** The Confluent header (5 bytes), then the id's length as an Avro varint (one byte for 16 characters). */
        static final int ID_OFFSET = 6;

        static final int ID_CHARS = 16;

        private Keys() {}

        static byte[] of(byte[] value) {
            return java.util.Arrays.copyOfRange(value, ID_OFFSET, ID_OFFSET + ID_CHARS);
        }

        /** Whether {@code key} is the id of {@code value} (any version). */
        static boolean matches(byte @Nullable [] key, byte[] value) {
            return key != null
                    && value.length >= ID_OFFSET + ID_CHARS
                    && java.util.Arrays.equals(key, 0, ID_CHARS, value, ID_OFFSET, ID_OFFSET + ID_CHARS);
        }

        static String describe(byte @Nullable [] key) {
            return key == null ? "null" : new String(key, StandardCharsets.US_ASCII);
        }
    }
}
