package dev.rosetta.proxy.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.rosetta.config.RosettaConfig;
import dev.rosetta.proxy.testing.LogCapture;
import dev.rosetta.proxy.testing.Records;
import dev.rosetta.proxy.testing.TestProxy;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Misbehaving peers: each gets its own connection closed with one clear log line, and a client
 * that was working before keeps working on the same connections afterwards.
 */
@ExtendWith(KafkaClusterExtension.class)
class AbuseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @BrokerCluster(numBrokers = 1)
    static KafkaCluster cluster;

    static TestProxy proxy;
    /** Created before any abuse and reused after each: proves other connections are unaffected. */
    static KafkaProducer<byte[], byte[]> healthyProducer;

    static int sent;

    LogCapture log = new LogCapture(ClientConnection.class);

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start(cluster.getBootstrapServers());
        healthyProducer = new KafkaProducer<>(proxy.producerConfig(false));
        healthyProducer
                .send(new ProducerRecord<>("healthy", "before".getBytes(StandardCharsets.UTF_8)))
                .get(30, TimeUnit.SECONDS);
        sent = 1;
    }

    @AfterEach
    void healthyClientStillWorks() throws Exception {
        log.close();
        RecordMetadata metadata = healthyProducer
                .send(new ProducerRecord<>("healthy", ("after-" + sent).getBytes(StandardCharsets.UTF_8)))
                .get(30, TimeUnit.SECONDS);
        sent++;
        assertThat(metadata.offset()).isEqualTo(sent - 1);
        assertThat(Records.readAll(proxy.consumerConfig(false, null), "healthy", sent, TIMEOUT))
                .hasSize(sent);
    }

    @AfterAll
    static void stop() {
        healthyProducer.close();
        proxy.close();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(proxy.sidecar().proxy().bootstrapAddress(), 5000);
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        return socket;
    }

    /** Reads until the proxy closes the connection; fails if it stays open for the whole timeout. */
    private static void assertClosedByProxy(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // drain anything sent before the close
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the proxy kept the connection open for " + TIMEOUT, e);
        } catch (IOException reset) {
            // a reset is a close too
        }
    }

    private List<String> warnings() {
        return log.lines().stream().filter(l -> l.startsWith("WARN")).toList();
    }

    @Test
    void garbageBytesCloseTheConnectionWithAClearReason() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedByProxy(socket);
        }
        assertThat(warnings())
                .singleElement()
                .asString()
                .contains("Closing connection from /127.0.0.1")
                .contains("frame size 1195725856 is outside the allowed range");
    }

    @Test
    void oversizedAndNegativeFramesAreRejected() throws Exception {
        for (int size : new int[] {Integer.MAX_VALUE, -5, 200 * 1024 * 1024}) {
            try (Socket socket = connect()) {
                socket.getOutputStream()
                        .write(ByteBuffer.allocate(4).putInt(size).array());
                assertClosedByProxy(socket);
            }
        }
        assertThat(warnings()).hasSize(3).allMatch(l -> l.contains("is outside the allowed range 8..104857600 bytes"));
        assertThat(warnings().get(2)).contains("raise listener.maxFrameBytes");
    }

    @Test
    void frameTooShortForARequestHeaderIsRejected() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(new byte[] {0, 0, 0, 3, 0, 18, 0});
            assertClosedByProxy(socket);
        }
        assertThat(warnings()).singleElement().asString().contains("frame size 3 is outside the allowed range");
    }

    @Test
    void tlsClientOnPlaintextPortIsToldWhatIsWrong() throws Exception {
        try (Socket socket = connect()) {
            // start of a TLS 1.2 ClientHello record
            socket.getOutputStream()
                    .write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
            assertClosedByProxy(socket);
        }
        assertThat(warnings()).singleElement().asString().contains("is a TLS client connected to a plaintext port?");
    }

    @Test
    void truncatedFramesAndAbruptDisconnectsAreHarmless() throws Exception {
        // a request header whose client id length runs past the end of the frame
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4 + 12)
                    .putInt(12)
                    .putShort((short) 3)
                    .putShort((short) 12)
                    .putInt(7)
                    .putShort((short) 500)
                    .putShort((short) 0)
                    .array());
            assertClosedByProxy(socket);
        }
        assertThat(warnings())
                .singleElement()
                .asString()
                .contains("malformed Metadata v12 request header (correlation id 7)");
        // half a frame, then the client vanishes
        try (Socket socket = connect()) {
            socket.getOutputStream()
                    .write(ByteBuffer.allocate(4 + 10)
                            .putInt(1000)
                            .put(new byte[10])
                            .array());
            socket.setSoLinger(true, 0); // RST: abrupt
        }
        org.awaitility.Awaitility.await()
                .atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(log.lines())
                        .as("the cut-off frame is reported, with how much of it arrived")
                        .anySatisfy(line -> assertThat(line)
                                .contains("closed the connection in the middle of a frame (14 bytes of it received)")));
        // half a frame, then an orderly close (FIN)
        try (Socket socket = connect()) {
            socket.getOutputStream()
                    .write(ByteBuffer.allocate(4 + 20)
                            .putInt(1000)
                            .put(new byte[20])
                            .array());
        }
        org.awaitility.Awaitility.await()
                .atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(log.lines())
                        .anySatisfy(line -> assertThat(line)
                                .contains("closed the connection in the middle of a frame (24 bytes of it received)")));
        // connection opened and dropped without a byte
        try (Socket socket = connect()) {
            socket.setSoLinger(true, 0);
        }
    }

    @Test
    void aProduceWithAGarbageBodyIsReportedAsABadBodyNotABadHeader() throws Exception {
        byte[] clientId = "garbler".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = connect()) {
            ByteBuffer frame = ByteBuffer.allocate(4 + 10 + clientId.length + 3);
            frame.putInt(10 + clientId.length + 3)
                    .putShort((short) 0) // Produce
                    .putShort((short) 3)
                    .putInt(11)
                    .putShort((short) clientId.length)
                    .put(clientId)
                    .put(new byte[] {0x7f, 0x7f, 0x7f}); // a transactional id longer than what follows
            socket.getOutputStream().write(frame.array());
            assertClosedByProxy(socket);
        }
        assertThat(warnings())
                .singleElement()
                .asString()
                .contains("malformed Produce v3 request body (correlation id 11, client id garbler)")
                .doesNotContain("request header");
    }

    @Test
    void unknownApiKeyIsLeftForTheBrokerToAnswer() throws Exception {
        try (Socket socket = connect()) {
            byte[] clientId = "abuser".getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(4 + 10 + clientId.length);
            frame.putInt(10 + clientId.length)
                    .putShort((short) 31000)
                    .putShort((short) 0)
                    .putInt(42)
                    .putShort((short) clientId.length)
                    .put(clientId);
            socket.getOutputStream().write(frame.array());
            // the broker does not know the key either and closes; the proxy follows
            assertClosedByProxy(socket);
        }
    }

    @Test
    void unreachableUpstreamGivesACleanDisconnect() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (TestProxy nowhere = TestProxy.start(RosettaConfig.defaults(List.of("127.0.0.1:" + closedPort)));
                Socket socket = new Socket()) {
            socket.connect(nowhere.sidecar().proxy().bootstrapAddress(), 5000);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            assertClosedByProxy(socket);
            assertThat(warnings())
                    .anySatisfy(l -> assertThat(l).contains("cannot reach upstream 127.0.0.1:" + closedPort));
            // a client that keeps retrying does not flood the log: one line a minute per client host and failure
            for (int retry = 0; retry < 5; retry++) {
                try (Socket again = new Socket()) {
                    again.connect(nowhere.sidecar().proxy().bootstrapAddress(), 5000);
                    again.setSoTimeout((int) TIMEOUT.toMillis());
                    assertClosedByProxy(again);
                }
            }
            assertThat(warnings())
                    .filteredOn(l -> l.contains("cannot reach upstream 127.0.0.1:" + closedPort))
                    .hasSize(1);
        }
    }

    @Test
    void idleConnectionsAreClosedWithTheirUpstreamWhileBusyOnesStay() throws Exception {
        RosettaConfig base =
                RosettaConfig.defaults(List.of(cluster.getBootstrapServers().split(",")));
        try (TestProxy idle =
                        TestProxy.start(base.withListener(base.listener().withIdleTimeout(Duration.ofSeconds(1))));
                KafkaProducer<byte[], byte[]> busy = new KafkaProducer<>(idle.producerConfig(false))) {
            var metrics = idle.sidecar().registry();
            Socket silent = new Socket();
            silent.connect(idle.sidecar().proxy().bootstrapAddress(), 5000);
            silent.setSoTimeout((int) TIMEOUT.toMillis());
            long started = System.nanoTime();
            for (int i = 0; i < 8; i++) { // a client with traffic every 300 ms is never idle
                busy.send(new ProducerRecord<>("idle-busy", ("busy-" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
                Thread.sleep(300); // the client's own pace, shorter than the idle timeout
            }
            assertClosedByProxy(silent); // a connection that never says a word is closed after about a second
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
            silent.close();
            assertThat(metrics.get("rosetta.proxy.connections.idle.closed")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(1);
            busy.send(new ProducerRecord<>("idle-busy", "still-busy".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void rejectedFramesAreCounted() throws Exception {
        double before = proxy.sidecar()
                .registry()
                .get("rosetta.proxy.frames.rejected")
                .counter()
                .count();
        try (Socket socket = connect()) {
            socket.getOutputStream().write(ByteBuffer.allocate(4).putInt(-1).array());
            assertClosedByProxy(socket);
        }
        assertThat(proxy.sidecar()
                        .registry()
                        .get("rosetta.proxy.frames.rejected")
                        .counter()
                        .count())
                .isEqualTo(before + 1);
    }
}
