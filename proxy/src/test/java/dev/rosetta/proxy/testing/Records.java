package dev.rosetta.proxy.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/** Reading topics in tests and comparing what clients received. */
public final class Records {
    private Records() {}

    /** Everything a consumer can observe about a record, in a comparable form. */
    public record Seen(
            int partition,
            long offset,
            long timestamp,
            String timestampType,
            String key,
            String value,
            String headers) {
        static Seen of(ConsumerRecord<byte[], byte[]> r) {
            String headers = StreamSupport.stream(r.headers().spliterator(), false)
                    .map(h -> h.key() + "=" + text(h.value()))
                    .collect(Collectors.joining(","));
            return new Seen(
                    r.partition(),
                    r.offset(),
                    r.timestamp(),
                    r.timestampType().name,
                    text(r.key()),
                    text(r.value()),
                    headers);
        }

        private static String text(byte[] bytes) {
            return bytes == null ? null : Arrays.toString(bytes);
        }
    }

    /**
     * Reads every partition of {@code topic} from the beginning until {@code expected} records arrived
     * (or the timeout passed), without a consumer group.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(
            Map<String, Object> consumerConfig, String topic, int expected, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** What a consumer saw, sorted by partition and offset. */
    public static List<Seen> seen(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(Seen::of)
                .sorted(Comparator.comparingInt(Seen::partition).thenComparingLong(Seen::offset))
                .toList();
    }

    public static Header[] noHeaders() {
        return new Header[0];
    }
}
