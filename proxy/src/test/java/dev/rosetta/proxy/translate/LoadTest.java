package dev.rosetta.proxy.translate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.ConfigLoader;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.proxy.Sidecar;
import dev.rosetta.proxy.testing.AdminHttp;
import dev.rosetta.proxy.testing.Records;
import dev.rosetta.proxy.testing.Topics;
import dev.rosetta.translators.registry.StaticSchemaRegistry;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One sidecar under load and abuse at once: 2,000 open client connections, 200 routed topics, slowloris clients
 * on the Kafka and the admin ports, a client that never reads its answers, and route changes in a row (10,000 with
 * {@code -Drosetta.load.routeChanges=10000});
 * meanwhile a well-behaved producer and consumer translate through it. Then every connection closes and the file
 * descriptors come back. Figures are logged (not asserted: the machines are shared); see the README's Guarantees.
 */
@ExtendWith(KafkaClusterExtension.class)
class LoadTest {
    private static final Logger LOG = LoggerFactory.getLogger(LoadTest.class);
    private static final int CONNECTIONS = 2_000;
    private static final int TOPICS = 200;
    /**
     * 1,000 in every build (about a minute on a busy 2-core machine); {@code -Drosetta.load.routeChanges=10000} for
     * the figure in benchmarks/README.md.
     */
    private static final int ROUTE_CHANGES = Integer.getInteger("rosetta.load.routeChanges", 1_000);

    private static final int KAFKA_SLOWLORIS = 200;
    private static final int ADMIN_SLOWLORIS = 80; // more than the admin API's 64 connections
    private static final int IDLE_SECONDS = 30; // listener.idleTimeout, which also bounds how long a frame may take

    @Test
    void aSidecarKeepsServingWellBehavedClientsUnderLoadAndAbuse(KafkaCluster cluster, @TempDir Path dir)
            throws Exception {
        StaticSchemaRegistry schemas = new StaticSchemaRegistry();
        int v1 = schemas.register("orders-value", Avro.V1);
        schemas.register("orders-value", Avro.V2);
        StringBuilder routes = new StringBuilder();
        for (int i = 0; i < TOPICS; i++) {
            routes.append("  - {topic: load-")
                    .append(i)
                    .append(", valueSubject: orders-value, consume: {version: 1}, produce: {version: 2}}\n");
        }
        String yaml = """
                listener: {bindHost: 127.0.0.1, bootstrapPort: 0, brokerPortBase: 0, idleTimeout: %ds}
                upstream: {bootstrapServers: %s}
                admin: {port: 0}
                audit: {enabled: false}
                distribution: {topic: _rosetta_routes_load, sidecarId: load}
                routes:
                %s""".formatted(IDLE_SECONDS, cluster.getBootstrapServers(), routes);
        RosettaConfig config = ConfigLoader.parse(yaml, "rosetta.yaml", dir, System::getenv);
        try (Admin admin =
                Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.getBootstrapServers()))) {
            Topics.create(
                    admin,
                    IntStream.range(0, TOPICS)
                            .mapToObj(i -> new NewTopic("load-" + i, 1, (short) 1))
                            .toArray(NewTopic[]::new));
        }
        long fdsBefore = openFileDescriptors();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Socket> connections = new ArrayList<>();
        List<Socket> abusers = new ArrayList<>();
        try (Sidecar sidecar = new Sidecar(config, null, schemas).start()) {
            sidecar.routesReady().get(60, TimeUnit.SECONDS);
            assertThat(sidecar.routeStore().table().routes()).hasSize(TOPICS);
            InetSocketAddress kafka = sidecar.proxy().bootstrapAddress();
            AdminHttp api = new AdminHttp(sidecar.admin().baseUrl());
            InetSocketAddress adminAddress = new InetSocketAddress(
                    "127.0.0.1", Integer.parseInt(sidecar.admin().baseUrl().replaceAll(".*:", "")));

            // 2,000 clients connect and each gets its ApiVersions answer through the proxy
            long started = System.nanoTime();
            List<Future<Socket>> opening = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int n = i;
                opening.add(pool.submit(() -> handshake(kafka, n)));
            }
            for (Future<Socket> f : opening) {
                connections.add(f.get(60, TimeUnit.SECONDS));
            }
            LOG.info(
                    "{} connections answered in {} ms; proxy reports {} active",
                    CONNECTIONS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    activeConnections(sidecar));
            assertThat(activeConnections(sidecar)).isGreaterThanOrEqualTo(CONNECTIONS);

            // abusers: frames and HTTP requests trickled a byte at a time, and a client that never reads
            for (int i = 0; i < KAFKA_SLOWLORIS; i++) {
                Socket s = new Socket();
                s.connect(kafka, 5_000);
                s.getOutputStream().write(new byte[] {0, 0, 1}); // a 4-byte size prefix, cut short
                abusers.add(s);
            }
            List<Socket> adminSlowloris = new ArrayList<>();
            for (int i = 0; i < ADMIN_SLOWLORIS; i++) {
                Socket s = new Socket();
                s.connect(adminAddress, 5_000);
                s.getOutputStream().write("GET /rou".getBytes(StandardCharsets.US_ASCII));
                adminSlowloris.add(s);
                abusers.add(s);
            }
            List<Socket> slowloris = List.copyOf(abusers);
            Socket neverReads = handshake(kafka, -1);
            abusers.add(neverReads);
            Thread flood = new Thread(
                    () -> {
                        // answers pile up unread: the proxy must stop reading this client, not buffer its answers
                        byte[] request = apiVersionsRequest(7, "never-reads");
                        try {
                            OutputStream out = neverReads.getOutputStream();
                            for (int i = 0; i < 50_000; i++) {
                                out.write(request); // blocks once the proxy stops reading: backpressure
                            }
                        } catch (IOException closed) {
                            // closed at the end of the test
                        }
                    },
                    "never-reads");
            flood.setDaemon(true);
            flood.start();
            Thread trickle = new Thread(() -> trickle(slowloris), "slowloris");
            trickle.setDaemon(true);
            trickle.start();

            // well-behaved clients translate through it meanwhile
            long served = System.nanoTime();
            String through = sidecar.proxy().bootstrapServers();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, through,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
                List<Future<?>> acks = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    acks.add(producer.send(new ProducerRecord<>("load-7", Avro.v1(v1, "o" + i, i))));
                }
                for (Future<?> f : acks) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
            Map<String, Object> consumer = new HashMap<>();
            consumer.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, through);
            consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            List<ConsumerRecord<byte[], byte[]>> read =
                    Records.readAll(consumer, "load-7", 2_000, Duration.ofSeconds(60));
            assertThat(read)
                    .hasSize(2_000)
                    .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v1));
            LOG.info(
                    "2,000 records produced and read back, translated both ways, in {} ms under load",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - served));

            // the admin API: slowloris hold its 64 connections until their requests' deadline passes
            long locked = System.nanoTime();
            await("an operator gets through the admin API")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> answers(api));
            LOG.info(
                    "the admin API answered an operator {} ms after {} slowloris connections took it",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - locked),
                    ADMIN_SLOWLORIS);
            for (Socket s : adminSlowloris) {
                assertThat(closedByPeer(s)).as("admin slowloris closed").isTrue();
            }

            // 10,000 route changes in a row, through the routes topic
            long before = sidecar.routeStore().current().number();
            long changing = System.nanoTime();
            for (int i = 0; i < ROUTE_CHANGES; i++) {
                AdminHttp.Answer a = api.post(
                        "/routes/load-" + (i % TOPICS) + "/rollout",
                        "{\"side\": \"consume\", \"version\": 2, \"percent\": " + (1 + i % 99) + "}");
                assertThat(a.status()).as(a.body()).isEqualTo(200);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changing);
            assertThat(sidecar.routeStore().current().number()).isEqualTo(before + ROUTE_CHANGES);
            LOG.info(
                    "{} route changes in a row in {} ms ({} per second); revision {}; heap used {} MB",
                    ROUTE_CHANGES,
                    millis,
                    ROUTE_CHANGES * 1000L / Math.max(1, millis),
                    sidecar.routeStore().current().number(),
                    usedHeapMegabytes());

            // slowloris on the Kafka port are closed once a frame takes longer than the idle timeout
            for (Socket s : abusers.subList(0, KAFKA_SLOWLORIS)) {
                assertThat(closedByPeer(s)).as("Kafka slowloris closed").isTrue();
            }
            await("the proxy closed the slowloris and idle connections")
                    .atMost(Duration.ofSeconds(IDLE_SECONDS * 3L))
                    .until(() -> activeConnections(sidecar) <= CONNECTIONS + 5);
        } finally {
            trickleStop = true;
            connections.forEach(LoadTest::closeQuietly);
            abusers.forEach(LoadTest::closeQuietly);
            pool.shutdownNow();
        }
        await("file descriptors released")
                .atMost(Duration.ofSeconds(30))
                .until(() -> openFileDescriptors() <= fdsBefore + 50);
        LOG.info("open file descriptors: {} before, {} after", fdsBefore, openFileDescriptors());
    }

    private static volatile boolean trickleStop;

    /** A byte a second on each abuser, as slowloris does. */
    private static void trickle(List<Socket> sockets) {
        while (!trickleStop) {
            for (Socket s : sockets) {
                try {
                    s.getOutputStream().write('x');
                } catch (IOException closed) {
                    // the proxy closed it: what it should do
                }
            }
            try {
                Thread.sleep(1_000); // the abuser's pace, not a wait for the proxy
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Whether the peer closed {@code s} (reading ends or fails), within 60 s. */
    private static boolean closedByPeer(Socket s) {
        try {
            s.setSoTimeout(60_000);
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // drain what the server answered before closing
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static boolean answers(AdminHttp api) {
        try {
            return api.get("/routes/load-1").status() == 200;
        } catch (RuntimeException refused) {
            return false;
        }
    }

    /** A connection that asked for ApiVersions and got the answer. */
    private static Socket handshake(InetSocketAddress proxy, int n) throws IOException {
        Socket s = new Socket();
        s.connect(proxy, 10_000);
        s.setSoTimeout(30_000);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.write(apiVersionsRequest(n, "load-" + n));
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        int correlation =
                ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
        if (correlation != n) {
            throw new IOException("answer to correlation id " + correlation + ", expected " + n);
        }
        return s;
    }

    /** ApiVersions v0: api key 18, version 0, correlation id, client id; an empty body. */
    private static byte[] apiVersionsRequest(int correlationId, String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 2 + 2 + 4 + 2 + id.length);
        b.putInt(b.capacity() - 4).putShort((short) 18).putShort((short) 0).putInt(correlationId);
        b.putShort((short) id.length).put(id);
        return b.array();
    }

    private static double activeConnections(Sidecar sidecar) {
        return sidecar.registry().find("rosetta.proxy.connections.active").gauges().stream()
                .mapToDouble(g -> g.value())
                .sum();
    }

    private static long openFileDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long usedHeapMegabytes() {
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
