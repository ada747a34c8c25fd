package dev.rosetta.proxy.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.rosetta.proxy.net.Failures;
import dev.rosetta.translators.registry.RegisteredSchema;
import dev.rosetta.translators.registry.RegistryClient;
import dev.rosetta.translators.registry.RegistryClientConfig;
import dev.rosetta.translators.verify.RecordGenerator;
import dev.rosetta.translators.wire.WireFormat;

/**
 * {@code rosetta demo-client}: the demo's clients as separate processes, for a stack where Kafka, the registry
 * and Rosetta run apart (docker/compose.yaml). Plain Kafka clients with no knowledge of Rosetta: they only
 * point their bootstrap servers at it.
 */
@Command(
        name = "demo-client",
        mixinStandardHelpOptions = true,
        description = {
            "The demo's clients on their own, for a stack where Kafka, a schema registry and Rosetta run as",
            "separate services (docker/compose.yaml): register the contracts, produce records of one version,",
            "consume and check that every record arrives in the version this consumer's route gives it."
        },
        subcommands = {
            DemoClientCommand.Register.class,
            DemoClientCommand.Produce.class,
            DemoClientCommand.Consume.class
        })
final class DemoClientCommand implements Runnable {
    private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.avsc");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every client shares. */
    static class RegistryOption {
        @Option(
                names = "--registry",
                required = true,
                paramLabel = "URL",
                description = "Confluent-compatible schema registry, e.g. http://registry:8080/apis/ccompat/v7.")
        String registry;

        @Option(
                names = "--wait",
                defaultValue = "60",
                paramLabel = "SECONDS",
                description = "How long to retry while the registry does not answer (default: ${DEFAULT-VALUE}).")
        int waitSeconds;

        RegistryClient client() {
            return new RegistryClient(RegistryClientConfig.builder(registry)
                    .requestTimeout(Duration.ofSeconds(10))
                    .build());
        }

        /** Runs {@code call} until it succeeds or the wait is over; the last failure is thrown. */
        <T> T retrying(String what, Callable<T> call) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
            while (true) {
                try {
                    return call.call();
                } catch (ExecutionException | TimeoutException | UncheckedIOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                what + " at " + registry + " failed: " + Failures.rootMessage(e), e);
                    }
                    TimeUnit.SECONDS.sleep(1); // the registry is starting; poll it again
                }
            }
        }
    }

    @Command(
            name = "register",
            mixinStandardHelpOptions = true,
            description = {
                "Registers every contract of a folder, <subject>/v<N>.avsc, in version order (already registered",
                "schemas keep their ids). Prints subject, version and id of each."
            })
    static final class Register implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        RegistryOption registry = new RegistryOption();

        @Option(
                names = "--contracts",
                defaultValue = "config/examples/contracts",
                paramLabel = "DIR",
                description = "Contracts folder (default: ${DEFAULT-VALUE}).")
        Path contracts;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(contracts)) {
                System.err.println(
                        "rosetta demo-client register: contracts folder " + contracts.toAbsolutePath() + " not found");
                return 2;
            }
            RegistryClient client = registry.client();
            List<Path> subjects;
            try (Stream<Path> s = Files.list(contracts)) {
                subjects = s.filter(Files::isDirectory).sorted().toList();
            }
            for (Path subjectDir : subjects) {
                String subject = subjectDir.getFileName().toString();
                Map<Integer, Path> versions = new TreeMap<>();
                try (Stream<Path> s = Files.list(subjectDir)) {
                    s.forEach(f -> {
                        Matcher m = VERSION_FILE.matcher(f.getFileName().toString());
                        if (m.matches()) {
                            versions.put(Integer.parseInt(m.group(1)), f);
                        }
                    });
                }
                for (Map.Entry<Integer, Path> v : versions.entrySet()) {
                    String text = Files.readString(v.getValue());
                    int id = registry.retrying(
                            "registering " + v.getValue(),
                            () -> client.register(subject, RegisteredSchema.avro(-1, text))
                                    .get(15, TimeUnit.SECONDS));
                    System.out.printf(
                            "registered %s v%d (%s) as schema id %d%n", subject, v.getKey(), v.getValue(), id);
                }
            }
            return 0;
        }
    }

    /** What the producer and the consumer share: the registry, Rosetta's address, the topic and its subject. */
    abstract static class TopicClient {
        @picocli.CommandLine.Mixin
        RegistryOption registry = new RegistryOption();

        @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Rosetta's address.")
        String bootstrap;

        @Option(names = "--topic", defaultValue = "orders", description = "Topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @Option(
                names = "--subject",
                defaultValue = "orders-value",
                description = "Subject of the values (default: ${DEFAULT-VALUE}).")
        String subject;
    }

    @Command(
            name = "produce",
            mixinStandardHelpOptions = true,
            description = {
                "Produces synthetic records of one version of a subject, framed in the Confluent wire format,",
                "keyed by one of 20 customers (so percentage rollouts are sticky per key)."
            })
    static final class Produce extends TopicClient implements Callable<Integer> {
        @Option(
                names = "--version",
                defaultValue = "1",
                description = "Version of the subject to write (default: ${DEFAULT-VALUE}).")
        int version;

        @Option(
                names = "--client-id",
                defaultValue = "legacy-checkout",
                description = "Kafka client.id (default: ${DEFAULT-VALUE}).")
        String clientId;

        @Option(names = "--rate", defaultValue = "20", description = "Records per second (default: ${DEFAULT-VALUE}).")
        int rate;

        @Option(
                names = "--schema-id",
                paramLabel = "ID",
                description = {
                    "Frame the records with this schema id instead of the version's own, to see what Rosetta",
                    "does with records it cannot translate (the route's failure policy)."
                })
        Integer schemaId;

        @Option(
                names = "--records",
                defaultValue = "0",
                description = "Stop after this many records (default: ${DEFAULT-VALUE} = until stopped).")
        long records;

        @Override
        public Integer call() throws Exception {
            RegistryClient client = registry.client();
            RegisteredSchema registered = registry.retrying(
                    "looking up " + subject + " v" + version,
                    () -> client.version(subject, version).get(15, TimeUnit.SECONDS));
            Schema schema = new Schema.Parser().parse(registered.schema());
            GenericDatumWriter<Object> writer = new GenericDatumWriter<>(schema);
            RecordGenerator generator = new RecordGenerator(1);
            Map<String, Object> config = new HashMap<>();
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            int framedId = schemaId != null ? schemaId : registered.id();
            long pauseNanos = rate <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
            System.out.printf(
                    "producing %s v%d (framed with schema id %d) to %s through %s as %s%n",
                    subject, version, framedId, topic, bootstrap, clientId);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
                long next = System.nanoTime();
                for (long n = 0; records == 0 || n < records; n++) {
                    byte[] key = ("c-" + (n % 20)).getBytes(StandardCharsets.UTF_8);
                    Object value = generator.random(schema, 1, n).get(0);
                    producer.send(new ProducerRecord<>(topic, key, frame(framedId, writer, value)), (meta, e) -> {
                        if (e != null) {
                            System.err.println("produce to " + topic + " failed: " + e);
                        }
                    });
                    if ((n + 1) % 500 == 0) {
                        System.out.printf("%d records sent%n", n + 1);
                    }
                    next += pauseNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // the configured rate
                    }
                }
                producer.flush();
            }
            return 0;
        }
    }

    @Command(
            name = "consume",
            mixinStandardHelpOptions = true,
            description = {
                "Consumes a topic through Rosetta and checks that every record is in the expected version of",
                "its subject (by the schema id in the record). Exits 0 once --records records arrived, all in",
                "that version; 1 at the first record in another version (naming partition, offset and id);",
                "3 when the records do not arrive within --timeout."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:--records records arrived, all in the expected version",
                "1:a record arrived in another version",
                "3:timed out"
            })
    static final class Consume extends TopicClient implements Callable<Integer> {
        @Option(names = "--client-id", required = true, description = "Kafka client.id; also the group id.")
        String clientId;

        @Option(names = "--expect-version", required = true, description = "The version every record must be in.")
        int expected;

        @Option(
                names = "--records",
                defaultValue = "200",
                description = "How many records to check (default: ${DEFAULT-VALUE}).")
        long records;

        @Option(
                names = "--timeout",
                defaultValue = "120",
                paramLabel = "SECONDS",
                description = "Give up after this long (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            RegistryClient client = registry.client();
            Map<Integer, Integer> versionById = new HashMap<>();
            List<Integer> versions = registry.retrying(
                    "listing versions of " + subject,
                    () -> client.versions(subject).get(15, TimeUnit.SECONDS));
            for (int v : versions) {
                versionById.put(
                        client.version(subject, v).get(15, TimeUnit.SECONDS).id(), v);
            }
            Map<String, Object> config = new HashMap<>();
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, clientId);
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            PrintStream out = System.out;
            out.printf(
                    "%s consuming %s through %s, expecting %s v%d (ids by version: %s)%n",
                    clientId, topic, bootstrap, subject, expected, versionById);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long seen = 0;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
                consumer.subscribe(List.of(topic));
                while (seen < records) {
                    if (System.nanoTime() > deadline) {
                        out.printf(
                                "%s: TIMEOUT after %d s with %d of %d records, all v%d%n",
                                clientId, timeoutSeconds, seen, records, expected);
                        return 3;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        int id = r.value() == null ? -1 : WireFormat.schemaIdOrMinusOne(ByteBuffer.wrap(r.value()));
                        Integer v = versionById.get(id);
                        if (v == null || v != expected) {
                            out.printf(
                                    "%s: FAIL %s-%d offset %d has schema id %d (%s), expected v%d%n",
                                    clientId,
                                    r.topic(),
                                    r.partition(),
                                    r.offset(),
                                    id,
                                    v == null ? "not a version of " + subject : "v" + v,
                                    expected);
                            return 1;
                        }
                        seen++;
                    }
                }
            }
            out.printf("%s: OK %d records, all %s v%d%n", clientId, seen, subject, expected);
            return 0;
        }
    }

    private static byte[] frame(int schemaId, GenericDatumWriter<Object> writer, Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(WireFormat.header(schemaId));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            writer.write(value, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
