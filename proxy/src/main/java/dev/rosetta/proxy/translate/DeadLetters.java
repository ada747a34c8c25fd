package dev.rosetta.proxy.translate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.rosetta.config.RouteConfig;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Copies records that could not be translated to their route's dead-letter topic, with headers
 * saying what failed and where the record came from ({@code rosetta.error},
 * {@code rosetta.source.topic}, {@code rosetta.source.partition}, {@code rosetta.source.offset}).
 *
 * <p>Sending is asynchronous (a Kafka producer with its own thread): the caller, an event loop,
 * never waits. A produced record is copied once the broker has stored it, with the offset it got
 * (a refused or retried produce sends no copy of its own); a record fetched again (another
 * consumer, a replay, or the same record already copied when it was produced) is copied only once:
 * recently copied (topic, partition, offset) triples are remembered. Failures to write are counted
 * and logged. Thread-safe.
 */
public final class DeadLetters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Map<String, Object> producerConfig;
    private final Cache<String, Boolean> recentlyCopied = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofHours(1))
            .build();
    private final Counter written;
    private final Counter writeFailures;
    private final AtomicLong lastFailureLog = new AtomicLong();
    private volatile @Nullable KafkaProducer<byte[], byte[]> producer;
    /** send() can block on metadata: it runs here, never on an event loop. Bounded so an outage cannot eat the heap. */
    private final java.util.concurrent.ThreadPoolExecutor sender = new java.util.concurrent.ThreadPoolExecutor(
            1,
            1,
            0,
            java.util.concurrent.TimeUnit.MILLISECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(10_000),
            r -> {
                Thread t = new Thread(r, "rosetta-dead-letters");
                t.setDaemon(true);
                return t;
            });

    /**
     * @param producerConfig client settings for the upstream cluster (bootstrap servers, security); serializers are set here
     */
    public DeadLetters(Map<String, Object> producerConfig, MeterRegistry registry) {
        this.producerConfig = Map.copyOf(producerConfig);
        this.written = Counter.builder("rosetta.dead_letters.written")
                .description("Records written to dead-letter topics")
                .register(registry);
        this.writeFailures = Counter.builder("rosetta.dead_letters.failures")
                .description("Dead-letter writes that failed")
                .register(registry);
    }

    /**
     * A dead-letter copy of one record, taken at once (the record's buffers may be reused after the
     * caller moves on) and sent later with {@link #send(Copy)}, once the record's outcome is final.
     */
    public record Copy(String sourceTopic, int partition, long offset, ProducerRecord<byte[], byte[]> record) {
        /** This copy of a produced record, now that the broker assigned it {@code storedAt}. */
        Copy at(long storedAt) {
            record.headers().remove("rosetta.source.offset");
            record.headers()
                    .add("rosetta.source.offset", Long.toString(storedAt).getBytes(StandardCharsets.UTF_8));
            return new Copy(sourceTopic, partition, storedAt, record);
        }
    }

    /**
     * A copy of a record being produced, waiting for the broker's answer to learn where the record was stored:
     * the {@code position}th record of its partition's records in the request.
     */
    record PendingCopy(Copy copy, long position) {}

    /**
     * Copies {@code record} (as stored: original key, value and headers) for the route's dead-letter topic.
     *
     * @param offset the record's offset in {@code topic}, or a negative value for a record being produced, until
     *               {@link Copy#at} gives it the offset the broker stored it at
     */
    Copy copy(RouteConfig route, String topic, int partition, Record record, long offset, String error) {
        List<Header> headers = new ArrayList<>(List.of(record.headers()));
        headers.add(new RecordHeader("rosetta.error", error.getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader("rosetta.source.topic", topic.getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(
                "rosetta.source.partition", Integer.toString(partition).getBytes(StandardCharsets.UTF_8)));
        headers.add(
                new RecordHeader("rosetta.source.offset", Long.toString(offset).getBytes(StandardCharsets.UTF_8)));
        byte[] key = record.key() == null ? null : Utils.toArray(record.key());
        byte[] value = record.value() == null ? null : Utils.toArray(record.value());
        // a record may carry no timestamp (-1) or a negative one, which a producer record refuses: the copy's is then
        // the time it is sent
        Long timestamp = record.timestamp() >= 0 ? record.timestamp() : null;
        return new Copy(
                topic,
                partition,
                offset,
                new ProducerRecord<>(route.failure().deadLetterTopic(), null, timestamp, key, value, headers));
    }

    /** Sends a copy to its dead-letter topic, unless the same stored record was copied recently (a consumer re-reading it). */
    void send(Copy c) {
        String topic = c.sourceTopic();
        int partition = c.partition();
        long offset = c.offset();
        if (offset >= 0
                && recentlyCopied.asMap().putIfAbsent(topic + "/" + partition + "/" + offset, Boolean.TRUE) != null) {
            return;
        }
        ProducerRecord<byte[], byte[]> copy = c.record();
        String deadLetterTopic = copy.topic();
        try {
            sender.execute(() -> {
                try {
                    producer().send(copy, (metadata, error1) -> {
                        if (error1 == null) {
                            written.increment();
                        } else {
                            failed(deadLetterTopic, topic, partition, offset, error1);
                        }
                    });
                } catch (RuntimeException e) {
                    failed(deadLetterTopic, topic, partition, offset, e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            failed(
                    deadLetterTopic,
                    topic,
                    partition,
                    offset,
                    new IllegalStateException("10000 dead-letter records already queued"));
        }
    }

    private void failed(String deadLetterTopic, String topic, int partition, long offset, Throwable error) {
        writeFailures.increment();
        long now = System.currentTimeMillis();
        long last = lastFailureLog.get();
        if (now - last > 10_000 && lastFailureLog.compareAndSet(last, now)) {
            LOG.error(
                    "Cannot write to dead-letter topic {} (record from {}-{} offset {}): {}",
                    deadLetterTopic,
                    topic,
                    partition,
                    offset,
                    error.toString());
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                p = producer;
                if (p == null) {
                    Map<String, Object> config = new java.util.HashMap<>(producerConfig);
                    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
                    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
                    config.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
                    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "rosetta-dead-letters");
                    p = new KafkaProducer<>(config);
                    producer = p;
                }
            }
        }
        return p;
    }

    /** Waits for records already handed over to be written (tests, shutdown). */
    public void flush() {
        try {
            sender.submit(() -> {}).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("dead-letter queue did not drain: " + e, e);
        }
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            p.flush();
        }
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }
}
