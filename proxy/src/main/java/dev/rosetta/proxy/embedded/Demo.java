package dev.rosetta.proxy.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.rosetta.config.AdminConfig;
import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.RegistryConfig;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ConsumeOverride;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.TranslatorsConfig;
import dev.rosetta.proxy.Sidecar;
import dev.rosetta.proxy.admin.AdminApiClient;
import dev.rosetta.proxy.admin.AdminApiClient.AdminApiException;
import dev.rosetta.translators.registry.RegisteredSchema;
import dev.rosetta.translators.wire.WireFormat;

/**
 * The one-command demo: an in-process broker, the embedded registry with the example contracts,
 * Rosetta, a v1 producer, a v1 consumer and a v2 consumer on one topic. It ramps the produce side
 * from v1 to v2 (0, 50, 100%) and rolls back through the admin API, narrating each step, and
 * checks as it goes that each consumer only ever received its own version.
 *
 * <p>Not thread-safe; run once.
 */
public final class Demo implements AutoCloseable {
    private static final String TOPIC = "orders";
    private static final String SUBJECT = "orders-value";

    /** Where and how fast the demo runs. */
    public record Options(
            Path contracts,
            @Nullable Path translators,
            String host,
            int port,
            int brokerPortBase,
            int adminPort,
            Duration phase) {}

    private final Options options;
    private final PrintStream out;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<Integer, Integer> versionById = new HashMap<>();
    // started by run(), stopped by close()
    private @Nullable EmbeddedKafka kafka;
    private @Nullable EmbeddedRegistry registry;
    private @Nullable Sidecar sidecar;
    private @Nullable AdminApiClient adminApi;
    private final List<Thread> threads = new java.util.ArrayList<>();
    private final Reader legacy = new Reader("legacy-billing", 1);
    private final Reader modern = new Reader("analytics", 2);
    private final Reader stored = new Reader("stored (read directly from the broker)", 0);
    private final AtomicLong produced = new AtomicLong();
    /** The step records are produced in; stamped on each record so readers count by step, not by arrival time. */
    private volatile int phase;

    public Demo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the narrated scenario; returns true when every consumer only ever received its own version. */
    public boolean run() throws InterruptedException {
        say("Starting an in-process Kafka broker, the embedded schema registry and Rosetta ...");
        EmbeddedKafka kafka = EmbeddedKafka.start();
        this.kafka = kafka;
        EmbeddedRegistry registry = EmbeddedRegistry.start(options.contracts());
        this.registry = registry;
        for (int version : new int[] {1, 2}) {
            RegisteredSchema s = registry.schema(SUBJECT, version)
                    .orElseThrow(() -> new IllegalStateException("no " + SUBJECT + " v" + version + " in "
                            + options.contracts() + " (expected " + SUBJECT + "/v" + version + ".avsc)"));
            schemasById.put(s.id(), new Schema.Parser().parse(s.schema()));
            versionById.put(s.id(), version);
        }
        RouteConfig route = new RouteConfig(
                TOPIC,
                SUBJECT,
                null,
                new ConsumeConfig(2, List.of(new ConsumeOverride("legacy-*", null, 1)), null),
                ProduceConfig.of(1),
                FailurePolicy.DEFAULT);
        RosettaConfig config = RosettaConfig.defaults(List.of(kafka.bootstrapServers()))
                .withListener(new ListenerConfig(
                        options.host(),
                        options.port(),
                        options.brokerPortBase(),
                        options.host(),
                        ListenerConfig.DEFAULT_MAX_FRAME_BYTES,
                        null))
                .withAdmin(new AdminConfig(true, options.host(), options.adminPort(), null))
                .withRegistry(new RegistryConfig(
                        registry.url(),
                        null,
                        null,
                        null,
                        RegistryConfig.DEFAULT_CONNECT_TIMEOUT,
                        RegistryConfig.DEFAULT_READ_TIMEOUT,
                        null))
                .withTranslators(new TranslatorsConfig(options.translators()))
                .withRoutes(List.of(route));
        sidecar = new Sidecar(config).start();
        String bootstrap = sidecar.proxy().bootstrapServers();
        String admin = Objects.requireNonNull(sidecar.admin(), "the demo turns the admin API on")
                .baseUrl();
        adminApi = new AdminApiClient(admin, null, "demo", Duration.ofSeconds(30));
        try (Admin a = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            a.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + TOPIC + ": " + e.getMessage(), e);
        }
        say("");
        say(
                "Kafka clients connect to Rosetta at %s; the admin API is at %s; the registry at %s.",
                bootstrap, admin, registry.url());
        say("Contract %s: v1 {id, customer, amount}, v2 {id, customer, amountCents, currency}.", SUBJECT);
        say("Route for topic %s: consumers read v2, client ids legacy-* read v1; records are stored as v1.", TOPIC);
        say("");
        start(this::produce, "demo-producer");
        start(() -> consume(legacy, bootstrap), "demo-legacy-billing");
        start(() -> consume(modern, bootstrap), "demo-analytics");
        start(() -> consume(stored, kafka.bootstrapServers()), "demo-stored");

        phase("1. A v1 producer (client id legacy-checkout) writes orders; the topic stores v1.");
        String routePath = AdminApiClient.topicPath(TOPIC);
        phase(
                admin,
                "2. Ramp the produce side to v2 for 50% of customers (sticky per record key).",
                routePath + "/rollout",
                rollout(50, "demo: half of the customers"),
                "rosetta rollout orders --side produce --version 2 --percent 50");
        phase(
                admin,
                "3. All records are now stored as v2.",
                routePath + "/rollout",
                rollout(100, "demo: everyone"),
                "rosetta rollout orders --side produce --version 2 --percent 100");
        phase(
                admin,
                "4. Roll back: the previous revision (50%) is in force from the next request on.",
                routePath + "/rollback",
                JsonNodeFactory.instance.objectNode().put("reason", "demo: roll back"),
                "rosetta rollback orders");

        boolean ok = legacy.onlySaw(1) && modern.onlySaw(2) && legacy.count() > 0 && modern.count() > 0;
        say("");
        say(
                "%s %s received %d records, all in v%s.",
                legacy.onlySaw(1) ? "OK  " : "FAIL", legacy.name, legacy.count(), legacy.versions());
        say(
                "%s %s received %d records, all in v%s.",
                modern.onlySaw(2) ? "OK  " : "FAIL", modern.name, modern.count(), modern.versions());
        say(
                "     %d records produced, all as v1; the topic holds both versions: %s.",
                produced.get(), stored.versionsWithCounts());
        say("");
        say("Where to look:");
        say("  curl -s %s/routes/orders/history    every revision: who, when, why", admin);
        say("  curl -s %s/metrics | grep rosetta_records    records by topic, direction, outcome", admin);
        say("  ./rosetta routes --admin %s", admin);
        return ok;
    }

    private void phase(String title) throws InterruptedException {
        say(title);
        phase++;
        observe();
    }

    private static ObjectNode rollout(int percent, String reason) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("side", "produce")
                .put("version", 2)
                .put("percent", percent)
                .put("reason", reason);
    }

    private void phase(String admin, String title, String path, ObjectNode body, String cli)
            throws InterruptedException {
        say(title);
        String answer = post(path, body);
        phase++; // only after the admin API confirmed the change: records of this step follow the new route
        say("   $ curl -X POST %s%s -d '%s'     (or: %s)", admin, path, body, cli);
        say("   -> %s", answer);
        observe();
    }

    /** Lets the phase run, then shows what each reader saw in it. */
    private void observe() throws InterruptedException {
        long deadline = System.nanoTime() + options.phase().toNanos();
        while (System.nanoTime() < deadline && running.get()) {
            TimeUnit.MILLISECONDS.sleep(100); // the demo's own pace: let traffic flow for a while
        }
        say("   %-42s <- %s", legacy.name + " (reads v1)", legacy.lastSeen.get());
        say("   %-42s <- %s", modern.name + " (reads v2)", modern.lastSeen.get());
        say("   %-42s    this phase: %s", "stored in the topic", stored.phaseVersions(phase));
        say("");
    }

    /** Posts a route change; the revision it became, as the admin API describes it. */
    private String post(String path, ObjectNode body) {
        try {
            AdminApiClient.Answer answer =
                    Objects.requireNonNull(adminApi, "run() connects first").post(path, body);
            JsonNode revision = answer.json();
            return "HTTP " + answer.status() + ", revision "
                    + revision.path("revision").asText() + ": "
                    + revision.path("description").asText();
        } catch (AdminApiException e) {
            throw new IllegalStateException(
                    "the demo's change " + body + " to " + path + " failed: " + e.getMessage(), e);
        }
    }

    private void produce() {
        Map<String, Object> config = new HashMap<>();
        config.put(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, sidecar().proxy().bootstrapServers());
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "legacy-checkout");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        RegisteredSchema v1 = registry().schema(SUBJECT, 1).orElseThrow();
        Schema schema = new Schema.Parser().parse(v1.schema());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            int n = 0;
            while (running.get()) {
                String customer = "c-" + (n % 20);
                GenericRecord order = new GenericData.Record(schema);
                order.put("id", "o-" + n);
                order.put("customer", customer);
                order.put("amount", 1000 + (n * 37) % 9000);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                        TOPIC, customer.getBytes(StandardCharsets.UTF_8), frame(v1.id(), schema, order));
                record.headers().add("demo-phase", new byte[] {(byte) phase});
                producer.send(record);
                produced.incrementAndGet();
                n++;
                TimeUnit.MILLISECONDS.sleep(50); // about 20 orders per second
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void consume(Reader reader, String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, reader.version == 0 ? "demo-storage-view" : reader.name);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, reader.version == 0 ? "demo-storage-view" : reader.name);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            reader.consumer.set(consumer);
            consumer.subscribe(List.of(TOPIC));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    var stamp = record.headers().lastHeader("demo-phase");
                    reader.saw(record.value(), stamp == null ? 0 : stamp.value()[0]);
                }
            }
        } catch (WakeupException e) {
            // stopping
        }
    }

    private static byte[] frame(int schemaId, Schema schema, GenericRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(WireFormat.header(schemaId));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** What one consumer received: versions (by the schema id in each record) and the last record. */
    private final class Reader {
        final String name;
        final int version;
        final Map<Integer, AtomicLong> byVersion = new ConcurrentHashMap<>();
        final Map<Integer, Map<Integer, AtomicLong>> byPhaseAndVersion = new ConcurrentHashMap<>();
        final AtomicReference<String> lastSeen = new AtomicReference<>("(nothing yet)");
        final AtomicReference<KafkaConsumer<byte[], byte[]>> consumer = new AtomicReference<>();

        Reader(String name, int version) {
            this.name = name;
            this.version = version;
        }

        void saw(byte[] value, int producedInPhase) {
            int id = WireFormat.schemaIdOrMinusOne(ByteBuffer.wrap(value));
            int v = versionById.getOrDefault(id, -1);
            byVersion.computeIfAbsent(v, k -> new AtomicLong()).incrementAndGet();
            byPhaseAndVersion
                    .computeIfAbsent(producedInPhase, p -> new ConcurrentHashMap<>())
                    .computeIfAbsent(v, k -> new AtomicLong())
                    .incrementAndGet();
            Schema schema = schemasById.get(id);
            if (schema != null) {
                try {
                    GenericRecord record = new GenericDatumReader<GenericRecord>(schema)
                            .read(
                                    null,
                                    DecoderFactory.get()
                                            .binaryDecoder(
                                                    value,
                                                    WireFormat.HEADER_SIZE,
                                                    value.length - WireFormat.HEADER_SIZE,
                                                    null));
                    lastSeen.set("v" + v + " " + record);
                } catch (IOException e) {
                    lastSeen.set("undecodable v" + v + " record: " + e.getMessage());
                }
            }
        }

        long count() {
            return byVersion.values().stream().mapToLong(AtomicLong::get).sum();
        }

        boolean onlySaw(int v) {
            return byVersion.keySet().stream().allMatch(k -> k == v);
        }

        String versions() {
            return byVersion.keySet().stream()
                    .sorted()
                    .map(String::valueOf)
                    .reduce((a, b) -> a + ", v" + b)
                    .orElse("-");
        }

        String versionsWithCounts() {
            return describe(byVersion);
        }

        /** Versions of the records produced during {@code phase}. */
        String phaseVersions(int phase) {
            return describe(byPhaseAndVersion.getOrDefault(phase, Map.of()));
        }

        private String describe(Map<Integer, AtomicLong> live) {
            Map<Integer, Long> counts = new java.util.TreeMap<>();
            live.forEach((v, n) -> counts.put(v, n.get())); // one snapshot: the shares add up to 100%
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            if (total == 0) {
                return "no records yet";
            }
            StringBuilder text = new StringBuilder();
            counts.forEach((v, n) -> text.append(text.length() == 0 ? "" : ", ")
                    .append("v")
                    .append(v)
                    .append(" ")
                    .append(Math.round(n * 100.0 / total))
                    .append("%"));
            return text.toString();
        }
    }

    private void start(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private Sidecar sidecar() {
        return Objects.requireNonNull(sidecar, "the demo's sidecar runs from run() until close()");
    }

    private EmbeddedRegistry registry() {
        return Objects.requireNonNull(registry, "the demo's registry runs from run() until close()");
    }

    private void say(String format, @Nullable Object... args) {
        out.println(args.length == 0 ? format : String.format(format, args));
        out.flush();
    }

    /** Bootstrap servers of Rosetta, once started. */
    public String bootstrapServers() {
        return sidecar().proxy().bootstrapServers();
    }

    @Override
    public void close() throws InterruptedException {
        if (!closed.compareAndSet(false, true)) {
            return; // --once closes, then the shutdown hook does
        }
        running.set(false);
        for (Reader reader : List.of(legacy, modern, stored)) {
            KafkaConsumer<byte[], byte[]> c = reader.consumer.get();
            if (c != null) {
                c.wakeup();
            }
        }
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        if (sidecar != null) {
            sidecar.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
