package dev.rosetta.proxy.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import static org.assertj.core.api.Assertions.assertThat;

class FetchResponseScanTest {

    static List<Short> flexibleVersions() {
        return ApiKeys.FETCH.allVersions().stream().filter(v -> v >= 12).toList();
    }

    /** A response with several topics and partitions, records, aborted transactions and partition-level tagged fields. */
    private static FetchResponseData response(Random random, short version, boolean withEndpoints) {
        FetchResponseData data = new FetchResponseData().setThrottleTimeMs(3).setSessionId(77);
        for (int t = 0; t < 1 + random.nextInt(3); t++) {
            FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                    .setTopic(version < 13 ? "topic-" + t : "")
                    .setTopicId(version >= 13 ? Uuid.randomUuid() : Uuid.ZERO_UUID);
            for (int p = 0; p < 1 + random.nextInt(4); p++) {
                FetchResponseData.PartitionData partition = new FetchResponseData.PartitionData()
                        .setPartitionIndex(p)
                        .setHighWatermark(100)
                        .setLastStableOffset(90)
                        .setLogStartOffset(0);
                if (random.nextBoolean()) {
                    partition.setRecords(MemoryRecords.withRecords(
                            Compression.NONE,
                            new SimpleRecord(("value-" + random.nextInt(1000))
                                    .repeat(1 + random.nextInt(50))
                                    .getBytes(StandardCharsets.UTF_8))));
                }
                if (random.nextBoolean()) {
                    partition.setAbortedTransactions(List.of(new FetchResponseData.AbortedTransaction()
                            .setProducerId(5)
                            .setFirstOffset(7)));
                }
                if (random.nextBoolean()) {
                    partition.setDivergingEpoch(
                            new FetchResponseData.EpochEndOffset().setEpoch(2).setEndOffset(40));
                }
                if (version >= 12 && random.nextBoolean()) {
                    partition.setCurrentLeader(new FetchResponseData.LeaderIdAndEpoch()
                            .setLeaderId(1)
                            .setLeaderEpoch(4));
                }
                topic.partitions().add(partition);
            }
            data.responses().add(topic);
        }
        if (withEndpoints) {
            data.nodeEndpoints()
                    .add(new FetchResponseData.NodeEndpoint()
                            .setNodeId(1)
                            .setHost("kafka-1")
                            .setPort(9092));
        }
        return data;
    }

    @ParameterizedTest
    @MethodSource("flexibleVersions")
    void findsNodeEndpointsExactlyWhenTheResponseHasThem(short version) {
        Random random = new Random(version);
        for (int i = 0; i < 200; i++) {
            boolean withEndpoints = version >= 16 && random.nextBoolean();
            ByteBuf frame = KafkaMessages.encodeResponse(
                    UnpooledByteBufAllocator.DEFAULT,
                    i,
                    ApiKeys.FETCH,
                    version,
                    response(random, version, withEndpoints));
            try {
                assertThat(FetchResponseScan.hasTopLevelTag(frame, version, FetchResponseScan.NODE_ENDPOINTS_TAG))
                        .as("v%d case %d", version, i)
                        .isEqualTo(withEndpoints);
            } finally {
                frame.release();
            }
        }
    }
}
