package dev.rosetta.benchmarks.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.rosetta.benchmarks.endtoend.Payload;

/**
 * The soak's Kafka clients, each on a thread of its own: three consumer groups reading through
 * Rosetta ({@code soak-v1} pinned to v1 and {@code soak-v2} pinned to v2 by client-id overrides,
 * {@code soak-canary} following the route's consume version and rollout), the direct reader of what
 * the broker stores, two steady keyed producers writing v1 through Rosetta, and the short-lived
 * visitors (one new producer, and connection, per route change).
 */
final class Clients {
    private final String topic;
    private final String bootstrap;
    private final Payload.AvroOrders payload;
    private final List<Reader> groups;
    private final Reader stored;
    private final List<Reader> readers;
    private final List<Thread> readerThreads = new ArrayList<>();
    private final List<PacedProducer> producers = new ArrayList<>();
    private final List<Thread> producerThreads = new ArrayList<>();
    private int visitors;

    /**
     * @param bootstrap Rosetta's bootstrap address
     * @param direct    the broker's own address, for the stored reader
     */
    Clients(String topic, int partitions, String bootstrap, String direct, Payload.AvroOrders payload, int v1, int v2) {
        this.topic = topic;
        this.bootstrap = bootstrap;
        this.payload = payload;
        this.groups = List.of(
                Reader.group(
                        "soak-v1",
                        bootstrap,
                        "soak-v1",
                        "soak-v1-reader",
                        topic,
                        partitions,
                        payload,
                        v1,
                        v2,
                        Set.of(v1)),
                Reader.group(
                        "soak-v2",
                        bootstrap,
                        "soak-v2",
                        "soak-v2-reader",
                        topic,
                        partitions,
                        payload,
                        v1,
                        v2,
                        Set.of(v2)),
                Reader.group(
                        "soak-canary",
                        bootstrap,
                        "soak-canary",
                        "soak-canary-reader",
                        topic,
                        partitions,
                        payload,
                        v1,
                        v2,
                        Set.of(v1, v2)));
        this.stored = Reader.direct("broker (direct)", direct, topic, partitions, payload, v1, v2);
        List<Reader> all = new ArrayList<>(groups);
        all.add(stored);
        this.readers = List.copyOf(all);
    }

    /** Starts every reader and returns once each consumer group has its partitions. */
    void startReaders(Duration timeout) throws InterruptedException {
        for (Reader r : readers) {
            readerThreads.add(start(r, "reader-" + r.name()));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!groups.stream().allMatch(g -> g.assignments() > 0 || g.stopped())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the consumer groups had no partitions after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /** Starts the two steady producers, {@code rate} records/s between them. */
    void startProducers(int rate) {
        for (int k = 0; k < 2; k++) {
            String name = "soak-producer-" + (k + 1);
            // producer k sends the values k, k + 2, k + 4, ...
            PacedProducer p =
                    new PacedProducer(name, producerProps(name), payload, topic, rate / 2.0, Long.MAX_VALUE, k, 2);
            producers.add(p);
            producerThreads.add(start(p, name));
        }
    }

    /** Starts a short-lived producer that sends {@code records} as fast as it can and closes. */
    void startVisitor(int records) {
        visitors++;
        String name = "soak-visitor-" + visitors;
        PacedProducer visitor =
                new PacedProducer(name, producerProps(name), payload, topic, 0, records, 1_000_000L * visitors, 1);
        producers.add(visitor);
        producerThreads.add(start(visitor, name));
    }

    /** Stops every producer once its records are acknowledged (or failed). */
    void stopProducers(Duration timeout) throws InterruptedException {
        producers.forEach(PacedProducer::stop);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : producerThreads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop within " + timeout);
            }
        }
    }

    /** Whether every reader has read up to {@code endOffsets}. */
    boolean caughtUp(Map<Integer, Long> endOffsets) {
        return readers.stream().allMatch(r -> r.caughtUp(endOffsets) || r.stopped());
    }

    /** Stops the readers (the groups commit) and waits for their threads; afterwards their figures are final. */
    void stopReaders() throws InterruptedException {
        readers.forEach(Reader::stop);
        for (Thread t : readerThreads) {
            t.join(TimeUnit.MINUTES.toMillis(1));
        }
    }

    long acked() {
        return producers.stream().mapToLong(PacedProducer::acked).sum();
    }

    /** Records read so far, per reader, in the order of {@link #readers()}. */
    long[] consumed() {
        return readers.stream().mapToLong(Reader::consumed).toArray();
    }

    List<Reader> groups() {
        return groups;
    }

    Reader stored() {
        return stored;
    }

    /** The groups, then the stored reader. */
    List<Reader> readers() {
        return readers;
    }

    List<PacedProducer> producers() {
        return List.copyOf(producers);
    }

    List<PacedProducer> steadyProducers() {
        return producers.subList(0, Math.min(2, producers.size()));
    }

    int visitors() {
        return visitors;
    }

    private Properties producerProps(String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, payload.compression());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    private static Thread start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
