package dev.rosetta.proxy.net;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
import dev.rosetta.proxy.testing.Topics;

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
import static org.awaitility.Awaitility.await;

/** A client that does not read must not make the proxy buffer without bound; nothing is lost once it reads. */
@ExtendWith(KafkaClusterExtension.class)
class BackpressureTest {
    private static final int REQUESTS = 100;
    private static final int PARTITION_MAX_BYTES = 1024 * 1024;
    private static final int STALL_POLLS = 40;
    private static final Duration STALL_POLL_INTERVAL = Duration.ofMillis(25);

    @BrokerCluster(numBrokers = 1)
    static KafkaCluster cluster;

    static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start(cluster.getBootstrapServers());
        try (Admin admin = Admin.create(proxy.adminConfig())) {
            Topics.create(admin, new NewTopic("bulk", 1, (short) 1));
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
        FetchRequestData body = new FetchRequestData()
                .setReplicaId(-1)
                .setMaxWaitMs(0)
                .setMinBytes(0)
                .setMaxBytes(PARTITION_MAX_BYTES)
                .setIsolationLevel((byte) 0)
                .setSessionId(0)
                .setSessionEpoch(-1);
        body.topics()
                .add(new FetchRequestData.FetchTopic()
                        .setTopic("bulk")
                        .setPartitions(List.of(new FetchRequestData.FetchPartition()
                                .setPartition(0)
                                .setFetchOffset(0)
                                .setPartitionMaxBytes(PARTITION_MAX_BYTES)
                                .setLogStartOffset(-1)
                                .setCurrentLeaderEpoch(-1))));
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(ApiKeys.FETCH.id)
                .setRequestApiVersion(version)
                .setCorrelationId(correlationId)
                .setClientId("slow-reader");
        ByteBuf frame =
                KafkaMessages.encodeRequest(UnpooledByteBufAllocator.DEFAULT, header, ApiKeys.FETCH, version, body);
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

    /**
     * Samples the bytes the proxy handed to the client and the allocator's memory: counts the
     * consecutive samples in which the former did not move, and keeps the peak of the latter.
     */
    private static final class ForwardingProbe {
        private final Counter toClients;
        private final long baselineMemory;
        double last = -1;
        int unchangedPolls;
        long peakMemory;

        ForwardingProbe(Counter toClients, long baselineMemory) {
            this.toClients = toClients;
            this.baselineMemory = baselineMemory;
        }

        /** Takes one sample; returns for how many samples in a row the byte count has not moved. */
        int sample() {
            double now = toClients.count();
            unchangedPolls = now == last ? unchangedPolls + 1 : 0;
            last = now;
            peakMemory = Math.max(peakMemory, allocatorMemory() - baselineMemory);
            return unchangedPolls;
        }
    }

    @Test
    void aClientThatStopsReadingPausesTheBrokerSideInsteadOfFillingMemory() throws Exception {
        Counter toClients = proxy.sidecar()
                .registry()
                .get("rosetta.proxy.bytes")
                .tag("direction", "broker_to_client")
                .counter();
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

            // Forwarding to the client has stalled once the bytes handed to it stop growing for
            // STALL_POLLS polls, STALL_POLL_INTERVAL apart (one second); memory is sampled meanwhile.
            ForwardingProbe probe = new ForwardingProbe(toClients, baselineMemory);
            await("forwarding to the non-reading client stalls")
                    .atMost(Duration.ofSeconds(60))
                    .pollInSameThread()
                    .pollInterval(STALL_POLL_INTERVAL)
                    .until(probe::sample, unchangedPolls -> unchangedPolls >= STALL_POLLS);
            double last = probe.last;
            int stable = probe.unchangedPolls;
            long peakMemory = probe.peakMemory;
            long totalExpected = (long) REQUESTS * PARTITION_MAX_BYTES;
            assertThat(stable).as("forwarding to the non-reading client stalls").isGreaterThanOrEqualTo(40);
            assertThat(last)
                    .as("bytes handed to the client while it did not read")
                    .isLessThan(totalExpected / 4.0);
            assertThat(peakMemory)
                    .as("proxy buffer memory while the client did not read")
                    .isLessThan(32L * 1024 * 1024);

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
            assertThat(correlationIds)
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(1, REQUESTS)
                            .boxed()
                            .toList());
            assertThat(bytes).isGreaterThan(totalExpected * 9 / 10);
        }
    }
}
