package dev.rosetta.proxy.translate;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.FailureMode;
import dev.rosetta.config.RouteConfig.FailurePolicy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/** Copies for the dead-letter topic, taken from whatever records a partition holds. */
class DeadLettersTest {
    private static final RouteConfig ROUTE = new RouteConfig(
            "orders",
            null,
            null,
            ConsumeConfig.of(2),
            null,
            new FailurePolicy(FailureMode.DEAD_LETTER, FailurePolicy.DEFAULT_HEADER, "orders.dlq"));

    @Test
    void aRecordWithoutATimestampIsCopiedWithTheTimeItIsSent() {
        for (long timestamp : new long[] {RecordBatch.NO_TIMESTAMP}) { // -1: a producer record refuses it
            Record record = MemoryRecords.withRecords(
                            Compression.NONE, new SimpleRecord(timestamp, null, "v".getBytes(StandardCharsets.UTF_8)))
                    .records()
                    .iterator()
                    .next();
            try (DeadLetters deadLetters =
                    new DeadLetters(Map.of("bootstrap.servers", "127.0.0.1:1"), new SimpleMeterRegistry())) {
                DeadLetters.Copy copy = deadLetters.copy(ROUTE, "orders", 0, record, 7, "CORRUPT_PAYLOAD: test");

                assertThat(copy.record().timestamp())
                        .as("timestamp %d", timestamp)
                        .isNull();
                assertThat(copy.record().topic()).isEqualTo("orders.dlq");
            }
        }
    }
}
