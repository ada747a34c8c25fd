package dev.rosetta.proxy.net;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.rosetta.proxy.protocol.KafkaMessages;
import dev.rosetta.proxy.testing.TestProxy;
import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.UnpooledByteBufAllocator;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that does not read must not make the proxy buffer without bound; nothing is lost once it reads. */
@ExtendWith(KafkaClusterExtension.class)
class BackpressureTest {
    private static final int REQUESTS = 100;
    private static final int PARTITION_MAX_BYTES = 1024 * 1024;

    @BrokerCluster(numBrokers = 1)
    static KafkaCluster cluster;

    static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start(cluster.getBootstrapServers());
        try (Admin admin = Admin.create(proxy.adminConfig())) {
            admin.createTopics(List.of(new NewTopic("bulk", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(proxy.producerConfig(true))) {
            byte[] value = new byte[10_000];
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>("bulk", value));
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    /** Fetch v12 (topics by name) of partition 0 from offset 0: about 1 MiB of records per response. */
    private static byte[] fetchRequest(int correlationId) {
        short version = 12;
        FetchRequestData body = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                .setMaxBytes(PARTITION_MAX_BYTES).setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1);
        body.topics().add(new FetchRequestData.FetchTopic().setTopic("bulk").setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(PARTITION_MAX_BYTES)
                        .setLogStartOffset(-1).setCurrentLeaderEpoch(-1))));
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.FETCH.id).setRequestApiVersion(version)
                .setCorrelationId(correlationId).setClientId("slow-reader");
        ByteBuf frame = KafkaMessages.encodeRequest(UnpooledByteBufAllocator.DEFAULT, header, ApiKeys.FETCH, version, body);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        return bytes;
    }

    /** Memory held by the allocator the proxy's channels use (Netty 4.2's default, adaptive). */
    private static long allocatorMemory() {
        ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return metric.usedDirectMemory() + metric.usedHeapMemory();
    }

    @Test
    void aClientThatStopsReadingPausesTheBrokerSideInsteadOfFillingMemory() throws Exception {
        Counter toClients = proxy.sidecar().registry().get("rosetta.proxy.bytes").tag("direction", "broker_to_client").counter();
        long baselineMemory = allocatorMemory();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(proxy.sidecar().proxy().bootstrapAddress(), 5000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            for (int i = 1; i <= REQUESTS; i++) {
                out.write(fetchRequest(i));
            }
            out.flush();

            // Wait until forwarding to the client has stalled: the counter stops moving for a while.
            double last = -1;
            int stable = 0;
            long peakMemory = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (stable < 40 && System.nanoTime() < deadline) {
                double now = toClients.count();
                stable = now == last ? stable + 1 : 0;
                last = now;
                long used = allocatorMemory();
                peakMemory = Math.max(peakMemory, used - baselineMemory);
                TimeUnit.MILLISECONDS.sleep(25); // poll interval of the condition above
            }
            long totalExpected = (long) REQUESTS * PARTITION_MAX_BYTES;
            assertThat(stable).as("forwarding to the non-reading client stalls").isGreaterThanOrEqualTo(40);
            assertThat(last).as("bytes handed to the client while it did not read").isLessThan(totalExpected / 4.0);
            assertThat(peakMemory).as("proxy buffer memory while the client did not read").isLessThan(32L * 1024 * 1024);

            // Now read: every response arrives, in order, complete.
            DataInputStream in = new DataInputStream(socket.getInputStream());
            List<Integer> correlationIds = new ArrayList<>();
            long bytes = 0;
            for (int i = 0; i < REQUESTS; i++) {
                int size = in.readInt();
                byte[] response = new byte[size];
                in.readFully(response);
                correlationIds.add(ByteBuffer.wrap(response).getInt());
                bytes += size;
            }
            assertThat(correlationIds).isEqualTo(java.util.stream.IntStream.rangeClosed(1, REQUESTS).boxed().toList());
            assertThat(bytes).isGreaterThan(totalExpected * 9 / 10);
        }
    }
}
