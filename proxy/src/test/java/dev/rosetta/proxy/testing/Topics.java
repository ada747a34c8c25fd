package dev.rosetta.proxy.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

import static org.awaitility.Awaitility.await;

/** Creating topics in tests, so that the first produce finds a leader ready for every partition. */
public final class Topics {
    private Topics() {}

    /**
     * Creates {@code topics} and waits until every partition's leader answers a ListOffsets, i.e. its
     * broker has taken the leadership, not only learned of it. A producer that starts earlier can get
     * NOT_LEADER_OR_FOLLOWER for a batch the broker appends all the same; an idempotent producer
     * then retries into OUT_OF_ORDER_SEQUENCE_NUMBER, duplicating or losing that batch in the test.
     */
    public static void create(Admin admin, NewTopic... topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        admin.createTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
        List<String> names = java.util.Arrays.stream(topics).map(NewTopic::name).toList();
        await("leaders of " + names + " serving")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> leadersServe(admin, names));
    }

    private static boolean leadersServe(Admin admin, List<String> names) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription topic : admin.describeTopics(names)
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .values()) {
            topic.partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS); // fails with NOT_LEADER_OR_FOLLOWER until then
        return true;
    }
}
