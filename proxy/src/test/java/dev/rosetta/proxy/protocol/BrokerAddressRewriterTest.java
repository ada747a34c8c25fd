package dev.rosetta.proxy.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerAddressRewriterTest {

    /** Node N is exposed on 30000 + N once exposed. */
    static final class FakeEndpoints implements BrokerEndpoints {
        final Map<Integer, String> upstream = new HashMap<>();
        final Map<Integer, Integer> ports = new HashMap<>();
        final Map<Integer, CompletableFuture<Integer>> pending = new HashMap<>();

        @Override
        public String advertisedHost() {
            return "proxy.local";
        }

        @Override
        public int advertisedPort(int nodeId) {
            return ports.getOrDefault(nodeId, -1);
        }

        @Override
        public void learnUpstream(int nodeId, String host, int port) {
            upstream.put(nodeId, host + ":" + port);
        }

        @Override
        public CompletionStage<?> expose(int nodeId) {
            return pending.computeIfAbsent(nodeId, id -> new CompletableFuture<>());
        }

        void finishBinding() {
            pending.forEach((id, f) -> {
                ports.put(id, 30000 + id);
                f.complete(30000 + id);
            });
        }
    }

    private static MetadataResponseData metadata() {
        MetadataResponseData data = new MetadataResponseData();
        for (int id = 0; id < 3; id++) {
            data.brokers()
                    .add(new MetadataResponseData.MetadataResponseBroker()
                            .setNodeId(id)
                            .setHost("kafka-" + id)
                            .setPort(9092));
        }
        return data;
    }

    @Test
    void unknownBrokersAreExposedBeforeTheResponseIsRewritten() {
        FakeEndpoints endpoints = new FakeEndpoints();
        BrokerAddressRewriter rewriter = new BrokerAddressRewriter(endpoints);
        MetadataResponseData data = metadata();
        TestExchange exchange = new TestExchange();

        FilterResult first = rewriter.onResponse(ApiKeys.METADATA, (short) 12, data, exchange);
        assertThat(first).isInstanceOf(FilterResult.Deferred.class);
        assertThat(data.brokers()).allSatisfy(b -> assertThat(b.host()).startsWith("kafka-"));
        assertThat(endpoints.upstream).containsEntry(2, "kafka-2:9092");

        endpoints.finishBinding();
        assertThat(((FilterResult.Deferred) first).until().toCompletableFuture())
                .isDone();
        TestExchange again = new TestExchange();
        assertThat(rewriter.onResponse(ApiKeys.METADATA, (short) 12, data, again))
                .isEqualTo(FilterResult.CHANGED);
        assertThat(data.brokers()).allSatisfy(b -> {
            assertThat(b.host()).isEqualTo("proxy.local");
            assertThat(b.port()).isEqualTo(30000 + b.nodeId());
        });
    }

    @Test
    void rewrittenMetadataSurvivesAnEncodeDecodeRoundTrip() {
        FakeEndpoints endpoints = new FakeEndpoints();
        endpoints.ports.putAll(Map.of(0, 30000, 1, 30001, 2, 30002));
        MetadataResponseData data = metadata();
        new BrokerAddressRewriter(endpoints).onResponse(ApiKeys.METADATA, (short) 12, data, new TestExchange());
        ByteBuf frame = KafkaMessages.encodeResponse(ByteBufAllocator.DEFAULT, 17, ApiKeys.METADATA, (short) 12, data);
        try {
            MetadataResponseData decoded =
                    (MetadataResponseData) KafkaMessages.decodeResponse(frame, ApiKeys.METADATA, (short) 12);
            assertThat(RequestHeaderView.responseCorrelationId(frame)).isEqualTo(17);
            assertThat(decoded).isEqualTo(data);
        } finally {
            frame.release();
        }
    }

    @Test
    void findCoordinatorIsRewrittenInBothShapesAndErrorsAreLeftAlone() {
        FakeEndpoints endpoints = new FakeEndpoints();
        endpoints.ports.put(1, 30001);
        BrokerAddressRewriter rewriter = new BrokerAddressRewriter(endpoints);

        FindCoordinatorResponseData v3 = new FindCoordinatorResponseData()
                .setNodeId(1)
                .setHost("kafka-1")
                .setPort(9092);
        assertThat(rewriter.onResponse(ApiKeys.FIND_COORDINATOR, (short) 3, v3, new TestExchange()))
                .isEqualTo(FilterResult.CHANGED);
        assertThat(v3.host()).isEqualTo("proxy.local");
        assertThat(v3.port()).isEqualTo(30001);

        FindCoordinatorResponseData v4 = new FindCoordinatorResponseData();
        v4.coordinators()
                .add(new FindCoordinatorResponseData.Coordinator()
                        .setKey("g")
                        .setNodeId(1)
                        .setHost("kafka-1")
                        .setPort(9092));
        v4.coordinators()
                .add(new FindCoordinatorResponseData.Coordinator()
                        .setKey("h")
                        .setNodeId(-1)
                        .setHost("")
                        .setPort(-1)
                        .setErrorCode((short) 15));
        assertThat(rewriter.onResponse(ApiKeys.FIND_COORDINATOR, (short) 6, v4, new TestExchange()))
                .isEqualTo(FilterResult.CHANGED);
        assertThat(v4.coordinators().get(0).port()).isEqualTo(30001);
        assertThat(v4.coordinators().get(1).host()).isEmpty();
    }

    @Test
    void controllerEndpointsInDescribeClusterAreNotTouched() {
        FakeEndpoints endpoints = new FakeEndpoints();
        DescribeClusterResponseData controllers = new DescribeClusterResponseData().setEndpointType((byte) 2);
        controllers
                .brokers()
                .add(new DescribeClusterResponseData.DescribeClusterBroker()
                        .setBrokerId(5)
                        .setHost("ctrl")
                        .setPort(9093));
        assertThat(new BrokerAddressRewriter(endpoints)
                        .onResponse(ApiKeys.DESCRIBE_CLUSTER, (short) 1, controllers, new TestExchange()))
                .isEqualTo(FilterResult.UNCHANGED);
        assertThat(controllers.brokers().find(5).host()).isEqualTo("ctrl");
    }

    @Test
    void fetchResponsesWithoutNodeEndpointsAreNotReencoded() {
        FakeEndpoints endpoints = new FakeEndpoints();
        BrokerAddressRewriter rewriter = new BrokerAddressRewriter(endpoints);
        assertThat(rewriter.appliesTo(ApiKeys.FETCH, (short) 15)).isFalse();
        assertThat(rewriter.appliesTo(ApiKeys.FETCH, (short) 16)).isTrue();
        assertThat(rewriter.onResponse(ApiKeys.FETCH, (short) 17, new FetchResponseData(), new TestExchange()))
                .isEqualTo(FilterResult.UNCHANGED);

        FetchResponseData moved = new FetchResponseData();
        moved.nodeEndpoints()
                .add(new FetchResponseData.NodeEndpoint()
                        .setNodeId(2)
                        .setHost("kafka-2")
                        .setPort(9092));
        endpoints.ports.put(2, 30002);
        assertThat(rewriter.onResponse(ApiKeys.FETCH, (short) 17, moved, new TestExchange()))
                .isEqualTo(FilterResult.CHANGED);
        assertThat(moved.nodeEndpoints().find(2).port()).isEqualTo(30002);
    }
}
