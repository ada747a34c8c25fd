package dev.rosetta.benchmarks.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

import dev.rosetta.benchmarks.endtoend.Payload;

/**
 * Reads the soak topic until stopped and checks every record: the offsets of each partition
 * follow one another (an offset seen twice is a duplicate, one skipped is lost), the value is in a
 * schema this reader may get, it decodes to the record that was sent (v1 byte for byte; v2 with
 * {@code amountCents = amount}, {@code currency = EUR}), and its key is the value's id. Records
 * which schema it got at each offset, for the reconciliation with what the broker stores.
 *
 * <p>Two kinds: a consumer group through Rosetta (subscribe, offsets committed every few seconds,
 * its client id picks its route override), and the direct reader of what the broker stores
 * (assigned partitions from the beginning, no Rosetta).
 */
final class Reader implements Runnable {
    private static final Duration COMMIT_EVERY = Duration.ofSeconds(5);

    private final String name;
    private final Properties props;
    private final String topic;
    private final int partitions;
    private final boolean grouped;
    private final Payload.AvroOrders payload;
    private final int v1Id;
    private final int v2Id;
    private final Set<Integer> allowedIds;
    private final OffsetIds ids;
    private final AtomicLongArray next;
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong wrongSchema = new AtomicLong();
    private final AtomicLong badRecords = new AtomicLong();
    private final AtomicLong assignments = new AtomicLong();
    private final AtomicLong revocations = new AtomicLong();
    private final AtomicLong commitFailures = new AtomicLong();
    private final AtomicReference<@Nullable String> firstProblem = new AtomicReference<>();
    private volatile boolean stop;
    private volatile boolean stopped;

    private Reader(
            String name,
            Properties props,
            String topic,
            int partitions,
            boolean grouped,
            Payload.AvroOrders payload,
            int v1Id,
            int v2Id,
            Set<Integer> allowedIds) {
        this.name = name;
        this.props = props;
        this.topic = topic;
        this.partitions = partitions;
        this.grouped = grouped;
        this.payload = payload;
        this.v1Id = v1Id;
        this.v2Id = v2Id;
        this.allowedIds = Set.copyOf(allowedIds);
        this.ids = new OffsetIds(partitions);
        this.next = new AtomicLongArray(partitions);
    }

    /**
     * A consumer group reading through Rosetta.
     *
     * @param clientId   decides the route override that applies (e.g. {@code soak-v1-reader})
     * @param allowedIds the schema ids this group may receive
     */
    static Reader group(
            String name,
            String bootstrap,
            String groupId,
            String clientId,
            String topic,
            int partitions,
            Payload.AvroOrders payload,
            int v1Id,
            int v2Id,
            Set<Integer> allowedIds) {
        Properties props = common(bootstrap, clientId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        return new Reader(name, props, topic, partitions, true, payload, v1Id, v2Id, allowedIds);
    }

    /** Reads what the broker stores, directly. */
    static Reader direct(
            String name,
            String bootstrap,
            String topic,
            int partitions,
            Payload.AvroOrders payload,
            int v1Id,
            int v2Id) {
        return new Reader(
                name,
                common(bootstrap, "soak-stored-reader"),
                topic,
                partitions,
                false,
                payload,
                v1Id,
                v2Id,
                Set.of(v1Id, v2Id));
    }

    private static Properties common(String bootstrap, String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            if (grouped) {
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                        if (!revoked.isEmpty() && !stop) { // closing the consumer revokes too
                            revocations.incrementAndGet();
                        }
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                        assignments.incrementAndGet();
                    }
                });
            } else {
                List<TopicPartition> all = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    all.add(new TopicPartition(topic, p));
                }
                consumer.assign(all);
                consumer.seekToBeginning(all);
            }
            long nextCommit = System.nanoTime() + COMMIT_EVERY.toNanos();
            while (!stop) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    check(r);
                }
                if (grouped && System.nanoTime() > nextCommit) {
                    consumer.commitAsync((offsets, error) -> {
                        if (error != null) {
                            commitFailures.incrementAndGet();
                        }
                    });
                    nextCommit = System.nanoTime() + COMMIT_EVERY.toNanos();
                }
            }
            if (grouped) {
                consumer.commitSync(Duration.ofSeconds(30));
            }
        } catch (RuntimeException e) {
            problem(name + " failed: " + e);
            badRecords.incrementAndGet();
        } finally {
            stopped = true;
        }
    }

    private void check(ConsumerRecord<byte[], byte[]> r) {
        int p = r.partition();
        long offset = r.offset();
        long expected = next.get(p);
        if (offset < expected) {
            duplicates.incrementAndGet();
            problem("duplicate: " + topic + "-" + p + " offset " + offset + " again (next expected " + expected + ")");
        } else {
            if (offset > expected) {
                lost.addAndGet(offset - expected);
                problem("gap: " + topic + "-" + p + " offsets " + expected + ".." + (offset - 1) + " never delivered");
            }
            next.set(p, offset + 1);
        }
        consumed.incrementAndGet();
        byte[] value = r.value();
        int id = Payload.schemaId(value);
        ids.set(p, offset, OffsetIds.of(id, v1Id, v2Id));
        if (!allowedIds.contains(id)) {
            wrongSchema.incrementAndGet();
            problem(topic + "-" + p + "@" + offset + ": schema id " + id + ", this reader gets only " + allowedIds);
            return;
        }
        String wrong = payload.check(value, id);
        if (wrong == null && !PacedProducer.Keys.matches(r.key(), value)) {
            wrong = "key " + PacedProducer.Keys.describe(r.key()) + " is not the value's id";
        }
        if (wrong != null) {
            badRecords.incrementAndGet();
            problem(topic + "-" + p + "@" + offset + ": " + wrong);
        }
    }

    private void problem(String what) {
        firstProblem.compareAndSet(null, name + ": " + what);
    }

    void stop() {
        stop = true;
    }

    boolean stopped() {
        return stopped;
    }

    /** Whether this reader has read every partition up to {@code endOffsets} (exclusive). */
    boolean caughtUp(Map<Integer, Long> endOffsets) {
        for (var e : endOffsets.entrySet()) {
            if (next.get(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    String name() {
        return name;
    }

    OffsetIds ids() {
        return ids;
    }

    long consumed() {
        return consumed.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    long lost() {
        return lost.get();
    }

    long wrongSchema() {
        return wrongSchema.get();
    }

    long badRecords() {
        return badRecords.get();
    }

    long assignments() {
        return assignments.get();
    }

    long revocations() {
        return revocations.get();
    }

    long commitFailures() {
        return commitFailures.get();
    }

    long next(int partition) {
        return next.get(partition);
    }

    @Nullable
    String firstProblem() {
        return firstProblem.get();
    }
}
