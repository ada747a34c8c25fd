package dev.rosetta.config.distribution;

import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.routing.RouteChange;
import dev.rosetta.config.routing.RouteChanges;
import dev.rosetta.config.routing.RouteRevision;
import dev.rosetta.config.routing.RouteStore;
import dev.rosetta.config.routing.RouteTable;

/**
 * Keeps a fleet of sidecars on the same routes through a compacted, single-partition Kafka
 * topic (default {@value #DEFAULT_TOPIC}). Every sidecar publishes its changes there and
 * applies changes, its own included, only as it reads them back, so the topic's log order is
 * the one order every sidecar applies.
 *
 * <h2>Protocol</h2>
 * Each record has the key {@value #KEY} and a JSON value (a {@code RouteRecord}): the change, the
 * full routes the submitter computed, and {@code basedOn}, the position it computed them from. A record at
 * offset {@code o} is revision {@code o + 1} on every sidecar. When a record's
 * {@code basedOn} is the reader's position, its routes are taken as they are; when another
 * change landed in between, every reader re-applies the record's change to its current
 * routes instead (a rollback travels as the {@link RouteChange.Restore} it resolved to, so
 * this needs no history), and the submitter then re-publishes the resulting routes, so the
 * latest record, which is what compaction keeps, is always a complete and correct state. A
 * change that no longer applies is skipped by all and fails the submitter's future. A sidecar
 * that starts later reads the topic from the beginning and takes the first record it sees as
 * the state. When the topic is empty at start, the local store's routes become its first
 * record.
 *
 * <h2>When the routes topic is unavailable</h2>
 * The sidecar checks the topic every {@link #CHECK_INTERVAL} (a ListOffsets round trip to its leader). While
 * that fails it keeps serving the routes it has, says why ({@link #unavailableReason()}, logged once when it
 * starts and once when it ends), and refuses changes at once with that reason rather than queueing them: a change
 * either reaches the topic within the producer's delivery timeout ({@link #DELIVERY_TIMEOUT}, shorter than the
 * admin API's wait) or fails, so it never lands long after its caller was told it failed.
 *
 * <p>While it runs, submit every change through it (it is the {@link RouteChanges} the admin
 * API and hot reload should use), never {@link RouteStore#apply} directly: revision numbers
 * come from the log. Changes to the same topic from two sidecars at the same time are applied
 * in log order; each is re-applied on top of the other, so a consume-side rollout and a
 * produce-side rollout made together both take effect, and for the same field the later
 * one in the log wins.
 *
 * <h2>Threads and cost</h2>
 * One daemon thread ({@code rosetta-routes-<id>}) consumes and applies; sends run on the
 * producer's own I/O thread. {@link #submit} never blocks. Changes are rare; the cost per
 * change is one record of a few KB per sidecar.
 */
public final class KafkaRouteDistribution implements RouteChanges, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRouteDistribution.class);

    public static final String DEFAULT_TOPIC = "_rosetta_routes";
    /** How often the routes topic's leader is asked for its end offset, to notice an outage while nothing changes. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);
    /** How long a published change may take to be stored before it fails (below the admin API's 15 s wait). */
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);

    static final String KEY = "routes";

    private final RouteStore store;
    private final String topic;
    private final String sidecarId;
    private final Map<String, Object> clientProperties;
    private final boolean createTopic;
    private final Map<String, CompletableFuture<RouteRevision>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<RouteRevision> ready = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Position position = new Position(0, null);
    /** Set while the routes topic cannot be read; null while it can. */
    private volatile @Nullable Outage outage;

    /** Since when, and why, the routes topic cannot be read. */
    private record Outage(Instant since, String cause) {}
    // created on the distribution thread by connect(); null before that (close() may come first)
    private volatile @Nullable KafkaProducer<String, String> producer;
    private volatile @Nullable KafkaConsumer<String, String> consumer;

    /** What this sidecar has applied: the log position and the routes at that position. */
    private record Position(long revision, @Nullable RouteTable table) {}

    private KafkaRouteDistribution(Builder b) {
        this.store = b.store;
        this.topic = b.topic;
        this.sidecarId = b.sidecarId;
        this.clientProperties = Map.copyOf(b.clientProperties);
        this.createTopic = b.createTopic;
        this.thread = new Thread(this::run, "rosetta-routes-" + sidecarId);
        this.thread.setDaemon(true);
    }

    /**
     * Starts building a distribution for {@code store} over the cluster at {@code bootstrapServers}
     * (typically the sidecar's upstream cluster).
     */
    public static Builder builder(RouteStore store, List<String> bootstrapServers) {
        return new Builder(store, bootstrapServers);
    }

    /** Options for a {@link KafkaRouteDistribution}. */
    public static final class Builder {
        private final RouteStore store;
        private final Map<String, Object> clientProperties = new HashMap<>();
        private String topic = DEFAULT_TOPIC;
        private String sidecarId = UUID.randomUUID().toString().substring(0, 8);
        private boolean createTopic = true;

        private Builder(RouteStore store, List<String> bootstrapServers) {
            this.store = Objects.requireNonNull(store);
            clientProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
        }

        public Builder topic(String value) {
            topic = Objects.requireNonNull(value);
            return this;
        }

        /** This sidecar's name in logs and records (default: random). */
        public Builder sidecarId(String value) {
            sidecarId = Objects.requireNonNull(value);
            return this;
        }

        /** Extra Kafka client properties (TLS, SASL) applied to the producer, consumer and admin client. */
        public Builder clientProperty(String key, Object value) {
            clientProperties.put(key, value);
            return this;
        }

        /** Create the topic (compacted, one partition) when missing (default true). */
        public Builder createTopic(boolean value) {
            createTopic = value;
            return this;
        }

        /** Starts the distribution thread; see {@link KafkaRouteDistribution#ready()}. */
        public KafkaRouteDistribution start() {
            KafkaRouteDistribution d = new KafkaRouteDistribution(this);
            d.thread.start();
            return d;
        }
    }

    /**
     * Completes once this sidecar has read the topic up to where it ended at start (and, for
     * an empty topic, published and read back its own routes), with the revision then current.
     */
    public CompletableFuture<RouteRevision> ready() {
        return ready;
    }

    @Override
    public RouteStore store() {
        return store;
    }

    public String sidecarId() {
        return sidecarId;
    }

    /**
     * Publishes {@code change}; the future completes when this sidecar has read it back and
     * applied it (with the revision it became), or fails when it is invalid, when it no longer
     * applies after concurrent changes, or when the record cannot be written.
     */
    @Override
    public CompletableFuture<RouteRevision> submit(RouteChange change) {
        if (!running) {
            return CompletableFuture.failedFuture(new IllegalStateException("route distribution is closed"));
        }
        String unavailable = unavailableReason();
        if (unavailable != null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    change.describe() + " is refused: " + unavailable + "; retry once the topic is back"));
        }
        Position at = position;
        RouteTable base = at.table() == null ? store.table() : at.table();
        RouteChange resolved;
        RouteTable next;
        try {
            resolved = store.resolve(change);
            next = applyTo(resolved, base);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (next.equals(base) && at.table() != null) {
            return CompletableFuture.completedFuture(store.current());
        }
        return publish(resolved, next, at.revision());
    }

    private CompletableFuture<RouteRevision> publish(RouteChange change, RouteTable routes, long basedOn) {
        return publish(change, routes, basedOn, false);
    }

    private CompletableFuture<RouteRevision> publish(
            RouteChange change, RouteTable routes, long basedOn, boolean reassert) {
        String changeId = sidecarId + "-" + UUID.randomUUID();
        CompletableFuture<RouteRevision> result = new CompletableFuture<>();
        pending.put(changeId, result);
        RouteRecord value = RouteRecord.of(changeId, sidecarId, Instant.now(), basedOn, reassert, change, routes);
        KafkaProducer<String, String> p = producer;
        if (reassert) {
            pending.remove(changeId);
        }
        if (p == null) {
            pending.remove(changeId);
            result.completeExceptionally(new IllegalStateException("route distribution is not connected yet"));
            return result;
        }
        try {
            p.send(new ProducerRecord<>(topic, KEY, value.write()), (metadata, error) -> {
                if (error != null) {
                    pending.remove(changeId);
                    result.completeExceptionally(error);
                    LOG.warn(
                            "route change {} could not be published to {}: {}",
                            change.describe(),
                            topic,
                            error.toString());
                }
            });
        } catch (RuntimeException e) {
            pending.remove(changeId);
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Null while the routes topic can be read; otherwise since when and why not, and which routes this sidecar keeps
     * serving meanwhile.
     */
    public @Nullable String unavailableReason() {
        Outage o = outage;
        if (o == null) {
            return null;
        }
        long seconds = Duration.between(o.since(), Instant.now()).toSeconds();
        return "the routes topic " + topic + " has been unavailable since " + o.since() + " (" + seconds + " s: "
                + o.cause() + "); this sidecar keeps serving the routes of revision "
                + store.current().number();
    }

    /** Asks the routes topic's leader for its end offset; notes the start and the end of an outage. */
    private void checkTopic(KafkaConsumer<String, String> consumer, TopicPartition tp) {
        try {
            consumer.endOffsets(List.of(tp), CHECK_INTERVAL);
            Outage ended = outage;
            if (ended != null) {
                outage = null;
                LOG.info(
                        "routes topic {} is available again after {} s; sidecar {} accepts route changes again",
                        topic,
                        Duration.between(ended.since(), Instant.now()).toSeconds(),
                        sidecarId);
            }
        } catch (WakeupException e) {
            throw e;
        } catch (org.apache.kafka.common.KafkaException e) {
            if (outage == null) {
                String cause = e instanceof org.apache.kafka.common.errors.TimeoutException
                        ? "its leader did not answer within " + CHECK_INTERVAL.toSeconds() + " s"
                        : e.toString();
                outage = new Outage(Instant.now(), cause);
                LOG.warn(
                        "routes topic {} is unavailable ({}): sidecar {} keeps serving the routes of revision {} and"
                                + " refuses route changes until it is back",
                        topic,
                        cause,
                        sidecarId,
                        store.current().number());
            }
        }
    }

    private void run() {
        try {
            KafkaConsumer<String, String> consumer = connect();
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long endAtStart =
                    Objects.requireNonNull(consumer.endOffsets(List.of(tp)).get(tp), "end offset of " + tp);
            boolean caughtUp = false;
            boolean seenAny = false;
            CompletableFuture<RouteRevision> initialPublish = null;
            long nextCheck = System.nanoTime() + CHECK_INTERVAL.toNanos();
            while (running) {
                if (System.nanoTime() - nextCheck >= 0) {
                    checkTopic(consumer, tp);
                    nextCheck = System.nanoTime() + CHECK_INTERVAL.toNanos();
                }
                try {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        seenAny |= handle(record, !seenAny);
                    }
                } catch (WakeupException e) {
                    continue;
                }
                if (!caughtUp && consumer.position(tp) >= endAtStart) {
                    caughtUp = true;
                    if (!seenAny && !store.table().isEmpty()) {
                        RouteRevision local = store.current();
                        initialPublish = publish(
                                new RouteChange.ReplaceAll(
                                        local.table().routes(),
                                        local.actor(),
                                        "initial routes of sidecar " + sidecarId),
                                local.table(),
                                0);
                        initialPublish.whenComplete((r, e) -> completeReady(e));
                    } else {
                        completeReady(null);
                    }
                    LOG.info(
                            "sidecar {} caught up with {} at revision {}",
                            sidecarId,
                            topic,
                            store.current().number());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | ExecutionException e) {
            LOG.error("route distribution of sidecar {} stopped: {}", sidecarId, e.toString(), e);
            ready.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            failPending(new IllegalStateException("route distribution stopped"));
            closeClients();
        }
    }

    private void completeReady(@Nullable Throwable error) {
        if (error != null) {
            ready.completeExceptionally(error);
        } else {
            ready.complete(store.current());
        }
    }

    /**
     * Describes the routes topic, retrying while the broker answering does not know it yet: a topic
     * just created (by this sidecar or another starting at the same moment) reaches each broker's
     * metadata a little after CreateTopics returns.
     */
    private TopicDescription describeWhenKnown(Admin admin)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return Objects.requireNonNull(
                        admin.describeTopics(List.of(topic))
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS)
                                .get(topic),
                        () -> "the broker described other topics than " + topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.debug("routes topic {} not yet known to the broker; describing it again", topic);
                TimeUnit.MILLISECONDS.sleep(100); // back-off between metadata look-ups
            }
        }
    }

    /** Creates the routes topic if asked to, then the producer and the consumer (returned, for the distribution thread). */
    private KafkaConsumer<String, String> connect() throws ExecutionException, InterruptedException {
        if (createTopic) {
            Map<String, Object> adminProps = new HashMap<>(clientProperties);
            adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "rosetta-routes-admin-" + sidecarId);
            try (Admin admin = Admin.create(adminProps)) {
                NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try {
                    admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
                    LOG.info("created compacted routes topic {}", topic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                TopicDescription description = describeWhenKnown(admin);
                if (description.partitions().size() != 1) {
                    throw new IllegalStateException("routes topic " + topic + " has "
                            + description.partitions().size()
                            + " partitions; it needs exactly one so every sidecar sees one order");
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("cannot create or describe routes topic " + topic + " within 30s", e);
            }
        }
        Map<String, Object> producerProps = new HashMap<>(clientProperties);
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "rosetta-routes-producer-" + sidecarId);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis());
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
        Map<String, Object> consumerProps = new HashMap<>(clientProperties);
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "rosetta-routes-consumer-" + sidecarId);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        KafkaConsumer<String, String> c =
                new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
        consumer = c;
        return c;
    }

    /** Applies one record; returns whether it was a usable route record. */
    private boolean handle(ConsumerRecord<String, String> record, boolean first) {
        long revision = record.offset() + 1;
        RouteRecord value;
        RouteChange change;
        RouteTable stated;
        try {
            value = RouteRecord.read(record.value());
            change = value.routeChange();
            stated = value.routeTable();
        } catch (RuntimeException e) {
            LOG.warn("skipping unreadable record at {}-0@{}: {}", topic, record.offset(), e.toString());
            return false;
        }
        String changeId = value.changeId();
        String origin = value.origin();
        long basedOn = value.basedOn();
        Position at = position;
        RouteTable current = at.table() == null ? store.table() : at.table();
        RouteTable next;
        boolean rebased = false;
        if (value.reassert() && !first) {
            // A re-published state: it only ever corrects a reader that started from an older
            // compacted record. When anything landed after the state it re-asserts, it is stale.
            if (basedOn == at.revision() && !stated.equals(current)) {
                position = new Position(revision, stated); // before install: its listeners may submit at once
                store.install(revision, value.timeOrNow(), change, stated);
            } else {
                position = new Position(revision, current);
            }
            return true;
        }
        if (first || basedOn == at.revision()) {
            next = stated;
        } else {
            try {
                next = applyTo(change, current);
                rebased = !next.equals(stated);
            } catch (RuntimeException e) {
                position = new Position(revision, current);
                LOG.warn(
                        "route change {} by {} (sidecar {}) skipped at revision {}: it no longer applies after "
                                + "concurrent changes: {}",
                        change.describe(),
                        change.actor(),
                        origin,
                        revision,
                        e.getMessage());
                CompletableFuture<RouteRevision> mine = pending.remove(changeId);
                if (mine != null) {
                    mine.completeExceptionally(e);
                }
                return true;
            }
            if (rebased) {
                LOG.debug(
                        "route change {} by {} (sidecar {}) was made on revision {} but landed after revision {}; "
                                + "re-applied to the current routes",
                        change.describe(),
                        change.actor(),
                        origin,
                        basedOn,
                        at.revision());
            }
        }
        // Every applied record is a revision on every sidecar, even when it changes nothing here,
        // so revision numbers and histories are the same across the fleet.
        Instant time = value.timeOrNow();
        // The position moves before the store changes: a listener (or a caller woken by one) that
        // submits at once must compute its change from this revision, or a rollback made right
        // after a rollout would compare against the pre-rollout table, look like a no-op, and be lost.
        position = new Position(revision, next);
        RouteRevision applied = store.install(revision, time, change, next).orElse(store.current());
        CompletableFuture<RouteRevision> mine = pending.remove(changeId);
        if (mine != null) {
            mine.complete(applied);
        }
        if (rebased && sidecarId.equals(origin)) {
            // Re-assert the merged state so the record compaction keeps is a correct, complete state.
            publish(
                    new RouteChange.ReplaceAll(
                            next.routes(), "distribution", "state after re-applying " + change.describe()),
                    next,
                    revision,
                    true);
        }
        return true;
    }

    private static RouteTable applyTo(RouteChange change, RouteTable table) {
        return RouteChange.applyTo(change, table);
    }

    private void failPending(Throwable error) {
        for (String id : List.copyOf(pending.keySet())) {
            CompletableFuture<RouteRevision> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(error);
            }
        }
        ready.completeExceptionally(error);
    }

    private void closeClients() {
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.close(Duration.ofSeconds(5));
        }
        KafkaProducer<String, String> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }

    /** Stops the thread and closes the Kafka clients; pending changes fail. Idempotent. */
    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
