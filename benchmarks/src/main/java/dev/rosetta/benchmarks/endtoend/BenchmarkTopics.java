package dev.rosetta.benchmarks.endtoend;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Creates the benchmark topics on the broker (directly, not through the proxy) and returns once
 * the broker leads every partition. Producing right after CreateTopics can hit
 * NOT_LEADER_OR_FOLLOWER, after which an idempotent producer was seen retrying
 * OUT_OF_ORDER_SEQUENCE_NUMBER once a second until its delivery timeout.
 */
public record BenchmarkTopics(Admin admin, int partitions) {

    public String create(String name) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(name, p), OffsetSpec.latest());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    // the broker's metadata cache may not know the topic yet (UNKNOWN_TOPIC_OR_PARTITION), then
                    // not every partition may have a leader; only the leader answers ListOffsets
                    boolean led = Objects.requireNonNull(
                                    admin.describeTopics(List.of(name))
                                            .allTopicNames()
                                            .get(5, TimeUnit.SECONDS)
                                            .get(name),
                                    () -> "DescribeTopics answered without topic " + name)
                            .partitions()
                            .stream()
                            .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                    if (led) {
                        admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
                        return name;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "partitions of " + name + " not ready 30 s after creation: " + notYet.getMessage(),
                                notYet);
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getMessage(), e);
        }
    }
}
