package dev.rosetta.config.routing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rosetta.config.ConfigException;
import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.RouteConfig.RolloutConfig;
import dev.rosetta.config.routing.RouteChange.Side;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteStoreTest {

    @TempDir
    Path dir;

    private static RouteConfig orders(int version) {
        return new RouteConfig("orders", null, null, ConsumeConfig.of(version), ProduceConfig.of(1), null);
    }

    private static RouteChange.Rollout rollout(String topic, int version, double percent, String actor) {
        return new RouteChange.Rollout(topic, Side.CONSUME, version, percent, actor, "ramp");
    }

    @Test
    void everyChangeMakesANewRevisionWithActorReasonAndChangedTopics() {
        RouteStore store = RouteStore.of(List.of(orders(1), RouteConfig.consumeOnly("payments", 1)));
        RouteRevision initial = store.current();
        assertThat(initial.number()).isZero();
        assertThat(initial.actor()).isEqualTo("file");

        RouteRevision r1 = store.apply(rollout("orders", 2, 10, "alice"));
        assertThat(r1.number()).isEqualTo(1);
        assertThat(r1.actor()).isEqualTo("alice");
        assertThat(r1.reason()).isEqualTo("ramp");
        assertThat(r1.changed()).containsExactly("orders");
        assertThat(r1.table().route("orders").consume().rollout()).isEqualTo(new RolloutConfig(2, 10));
        assertThat(store.table()).isSameAs(r1.table());
        assertThat(initial.table().route("orders").consume().rollout())
                .as("old revision untouched")
                .isNull();
    }

    @Test
    void rollbackRestoresPreviousVersionForNextDecision() {
        RouteStore store = RouteStore.of(List.of(orders(1)));
        ConnectionRoutes connection = new ConnectionRoutes(store::table, "app", null);
        store.apply(new RouteChange.Put(orders(2), "alice", "v2 for everyone"));
        assertThat(connection.current().consume("orders").version((byte[]) null, 0, 0))
                .isEqualTo(2);

        RouteRevision rollback = store.rollback("orders", "bob", "v2 breaks billing");

        assertThat(connection.current().consume("orders").version((byte[]) null, 0, 0))
                .isEqualTo(1);
        assertThat(rollback.change()).isInstanceOf(RouteChange.Restore.class);
        assertThat(((RouteChange.Restore) rollback.change()).restores()).isZero();
        assertThat(rollback.actor()).isEqualTo("bob");
    }

    @Test
    void repeatedRollbacksWalkBackThroughTheHistory() {
        RouteStore store = RouteStore.of(List.of(orders(1)));
        store.apply(rollout("orders", 2, 10, "a"));
        store.apply(rollout("orders", 2, 50, "a"));
        store.apply(rollout("orders", 2, 90, "a"));

        assertThat(store.rollback("orders", "b", "")
                        .table()
                        .route("orders")
                        .consume()
                        .rollout()
                        .percent())
                .isEqualTo(50);
        assertThat(store.rollback("orders", "b", "")
                        .table()
                        .route("orders")
                        .consume()
                        .rollout()
                        .percent())
                .isEqualTo(10);
        assertThat(store.rollback("orders", "b", "")
                        .table()
                        .route("orders")
                        .consume()
                        .rollout())
                .isNull();
        assertThatThrownBy(() -> store.rollback("orders", "b", ""))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no earlier revision");
        assertThat(store.current().number()).isEqualTo(6);
    }

    @Test
    void topicRollbackLeavesOtherTopicsAlone() {
        RouteStore store = RouteStore.of(List.of(orders(1), RouteConfig.consumeOnly("payments", 1)));
        store.apply(new RouteChange.Put(orders(2), "a", ""));
        store.apply(new RouteChange.Put(RouteConfig.consumeOnly("payments", 3), "a", ""));

        RouteTable after = store.rollback("orders", "b", "").table();

        assertThat(after.route("orders").consume().version()).isEqualTo(1);
        assertThat(after.route("payments").consume().version()).isEqualTo(3);
    }

    @Test
    void wholeRollbackRestoresThePreviousTableIncludingRemovedRoutes() {
        RouteStore store = RouteStore.of(List.of(orders(1)));
        store.apply(new RouteChange.Put(RouteConfig.consumeOnly("payments", 2), "a", ""));
        store.apply(new RouteChange.Remove("orders", "a", ""));

        RouteTable after = store.rollback(null, "b", "undo").table();

        assertThat(after.routes()).extracting(RouteConfig::topic).containsExactly("orders", "payments");
        assertThat(store.rollback(null, "b", "undo").table().routes()).containsExactly(orders(1));
    }

    @Test
    void topicNeverChangedCannotBeRolledBack() {
        RouteStore store = RouteStore.of(List.of(orders(1)));
        assertThatThrownBy(() -> store.rollback("orders", "b", ""))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("has no change in the history");
    }

    @Test
    void invalidChangeChangesNothing() {
        RouteStore store = RouteStore.of(List.of(orders(1)));
        assertThatThrownBy(() -> store.apply(rollout("unknown", 2, 5, "a")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topic = 'unknown': has no route");
        assertThatThrownBy(() -> store.apply(rollout("orders", 2, 100.5, "a")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("percent = '100.5'");
        assertThatThrownBy(() -> store.apply(new RouteChange.Rollout("orders", Side.PRODUCE, 2, 0.0001, "a", "")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at most 3 decimals");
        assertThat(store.current().number()).isZero();
    }

    @Test
    void rolloutToTheStableVersionEndsTheRolloutAndNoOpsMakeNoRevision() {
        RouteStore store = RouteStore.of(List.of(orders(1)));
        store.apply(new RouteChange.Rollout("orders", Side.PRODUCE, 2, 25, "a", ""));
        assertThat(store.table().route("orders").produce().rollout()).isEqualTo(new RolloutConfig(2, 25));

        store.apply(new RouteChange.Rollout("orders", Side.PRODUCE, 1, 0, "a", "abort"));
        assertThat(store.table().route("orders").produce().rollout()).isNull();

        RouteRevision before = store.current();
        assertThat(store.apply(new RouteChange.Put(orders(1), "a", "same again")))
                .isSameAs(before);
    }

    @Test
    void historyIsQueryablePerTopic() {
        RouteStore store = RouteStore.of(List.of(orders(1), RouteConfig.consumeOnly("payments", 1)));
        store.apply(rollout("orders", 2, 10, "a"));
        store.apply(rollout("payments", 2, 10, "a"));
        store.apply(rollout("orders", 2, 20, "a"));

        assertThat(store.history("orders")).extracting(RouteRevision::number).containsExactly(0L, 1L, 3L);
        assertThat(store.history("payments")).extracting(RouteRevision::number).containsExactly(0L, 2L);
        assertThat(store.history()).hasSize(4);
        assertThat(store.revision(2)).get().extracting(RouteRevision::actor).isEqualTo("a");
    }

    @Test
    void auditLogHasOneJsonLinePerRevisionThatReadsBackEqual() throws Exception {
        Path file = dir.resolve("audit/routes.jsonl");
        List<RouteRevision> made = new ArrayList<>();
        try (AuditLog audit = new AuditLog(file)) {
            RouteStore store = RouteStore.builder()
                    .routes(List.of(orders(1)))
                    .auditLog(audit)
                    .build();
            made.add(store.current());
            made.add(store.apply(rollout("orders", 2, 12.5, "alice")));
            made.add(store.apply(new RouteChange.Put(
                    new RouteConfig(
                            "payments",
                            "pay-v",
                            new RouteConfig.KeyRoute("pay-k", java.util.Map.of(3, 1, 4, 2), true),
                            null,
                            new ProduceConfig(3, new RolloutConfig(4, 0.125)),
                            new RouteConfig.FailurePolicy(
                                    RouteConfig.FailureMode.DEAD_LETTER, "x-err", "payments.dlq")),
                    "bob",
                    "new topic")));
            made.add(store.rollback("orders", "carol", "bad"));
        }
        assertThat(AuditLog.read(file)).isEqualTo(made);
        assertThat(java.nio.file.Files.readAllLines(file).get(3)).contains("\"before\":[{\"topic\":\"orders\"");
    }

    @Test
    void concurrentChangesAreAllKeptAndPublishedInOrder() throws Exception {
        int threads = 4;
        int changesEach = 50;
        List<RouteConfig> initial = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            initial.add(RouteConfig.consumeOnly("topic-" + t, 1));
        }
        Path file = dir.resolve("audit.jsonl");
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        try (AuditLog audit = new AuditLog(file)) {
            RouteStore store =
                    RouteStore.builder().routes(initial).auditLog(audit).build();
            store.addListener((previous, current) -> {
                assertThat(current.number()).isEqualTo(previous.number() + 1);
                seen.add(current.number());
            });
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String topic = "topic-" + t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 1; i <= changesEach; i++) {
                        store.apply(rollout(topic, 2, i, "thread-" + topic));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(store.current().number()).isEqualTo(threads * changesEach);
            for (int t = 0; t < threads; t++) {
                assertThat(store.table().route("topic-" + t).consume().rollout().percent())
                        .isEqualTo(changesEach);
                assertThat(store.history("topic-" + t)).hasSize(changesEach + 1);
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long n = 1; n <= threads * changesEach; n++) {
            expected.add(n);
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(AuditLog.read(file))
                .extracting(RouteRevision::number)
                .startsWith(0L, 1L)
                .hasSize(threads * changesEach + 1)
                .isSorted();
    }
}
