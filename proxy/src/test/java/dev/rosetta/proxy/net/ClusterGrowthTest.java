package dev.rosetta.proxy.net;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.rosetta.proxy.testing.Records;
import dev.rosetta.proxy.testing.TestProxy;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A broker added while clients run gets its own proxy port before any client is told about it. */
@ExtendWith(KafkaClusterExtension.class)
class ClusterGrowthTest {

    @Test
    void aBrokerThatJoinsLaterIsReachableThroughItsOwnPort(@BrokerCluster(numBrokers = 1) KafkaCluster cluster)
            throws Exception {
        try (TestProxy proxy = TestProxy.start(cluster.getBootstrapServers());
                Admin admin = Admin.create(proxy.adminConfig())) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .hasSize(1);
            assertThat(proxy.sidecar().proxy().brokerPorts()).hasSize(1);

            int added = cluster.addBroker();

            List<Node> nodes = await("the cluster shows the added broker")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(10))
                    .until(
                            () -> List.copyOf(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)),
                            n -> n.size() >= 2);
            Map<Integer, Integer> ports = proxy.sidecar().proxy().brokerPorts();
            assertThat(ports).containsKey(added).hasSize(2);
            Set<Integer> advertised = new HashSet<>();
            nodes.forEach(n -> advertised.add(n.port()));
            assertThat(advertised).containsExactlyInAnyOrderElementsOf(ports.values());

            // a partition led by the new broker: its traffic must go through the new port
            admin.createTopics(List.of(new NewTopic("on-new-broker", Map.of(0, List.of(added)))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(proxy.producerConfig(false))) {
                RecordMetadata written = producer.send(
                                new ProducerRecord<>("on-new-broker", "grown".getBytes(StandardCharsets.UTF_8)))
                        .get(60, TimeUnit.SECONDS);
                assertThat(written.offset()).isZero();
                assertThat(producer.partitionsFor("on-new-broker")
                                .get(0)
                                .leader()
                                .port())
                        .isEqualTo(ports.get(added));
            }
            assertThat(Records.readAll(proxy.consumerConfig(false, null), "on-new-broker", 1, Duration.ofSeconds(60)))
                    .hasSize(1);
        }
    }
}
