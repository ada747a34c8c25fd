package dev.rosetta.config.distribution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.routing.RouteChange;
import dev.rosetta.config.routing.RouteChange.Side;
import dev.rosetta.config.routing.RouteRevision;
import dev.rosetta.config.routing.RouteStore;
import dev.rosetta.config.routing.RouteTable;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(KafkaClusterExtension.class)
class KafkaRouteDistributionTest {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRouteDistributionTest.class);
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    static KafkaCluster cluster;

    private final List<KafkaRouteDistribution> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(KafkaRouteDistribution::close);
    }

    private static RouteConfig orders() {
        return new RouteConfig("orders", null, null, ConsumeConfig.of(1), ProduceConfig.of(1), null);
    }

    private KafkaRouteDistribution sidecar(String id, String topic, List<RouteConfig> fileRoutes) throws Exception {
        KafkaRouteDistribution d = KafkaRouteDistribution.builder(
                        RouteStore.of(fileRoutes), List.of(cluster.getBootstrapServers()))
                .topic(topic)
                .sidecarId(id)
                .start();
        started.add(d);
        return d;
    }

    private static String topicFor(TestInfo test) {
        return "_rosetta_routes_" + test.getTestMethod().orElseThrow().getName();
    }

    /** Completes with System.nanoTime() when {@code store}'s routes first satisfy {@code condition}. */
    private static CompletableFuture<Long> whenRoutes(RouteStore store, Predicate<RouteTable> condition) {
        CompletableFuture<Long> seen = new CompletableFuture<>();
        store.addListener((previous, current) -> {
            if (condition.test(current.table())) {
                seen.complete(System.nanoTime());
            }
        });
        if (condition.test(store.table())) {
            seen.complete(System.nanoTime());
        }
        return seen;
    }

    private static long propagationMillis(long startNanos, List<RouteStore> stores, Predicate<RouteTable> condition)
            throws Exception {
        List<CompletableFuture<Long>> seen =
                stores.stream().map(s -> whenRoutes(s, condition)).toList();
        long last = 0;
        for (CompletableFuture<Long> f : seen) {
            last = Math.max(last, f.get(CONVERGE.toSeconds(), TimeUnit.SECONDS));
        }
        return TimeUnit.NANOSECONDS.toMillis(last - startNanos);
    }

    @Test
    void changeReachesEverySidecarAndALateJoinerPicksUpTheCurrentRoutes(TestInfo test) throws Exception {
        String topic = topicFor(test);
        KafkaRouteDistribution a = sidecar("a", topic, List.of(orders()));
        KafkaRouteDistribution b = sidecar("b", topic, List.of(orders()));
        KafkaRouteDistribution c = sidecar("c", topic, List.of(orders()));
        for (KafkaRouteDistribution d : started) {
            d.ready().get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        }
        List<RouteStore> stores = List.of(a.store(), b.store(), c.store());
        Predicate<RouteTable> published = t -> !t.isEmpty();
        propagationMillis(System.nanoTime(), stores, published);

        // Warm path: one rollout through a, measured until all three sidecars apply it.
        Predicate<RouteTable> ramped = t -> t.route("orders").consume().rollout() != null
                && t.route("orders").consume().rollout().percent() == 25;
        long start = System.nanoTime();
        RouteRevision made = a.submit(new RouteChange.Rollout("orders", Side.CONSUME, 2, 25, "alice", "ramp v2"))
                .get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        long rolloutMillis = propagationMillis(start, stores, ramped);

        start = System.nanoTime();
        RouteRevision rolledBack = b.submit(new RouteChange.Rollback("orders", "bob", "v2 breaks billing"))
                .get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        long rollbackMillis = propagationMillis(
                start, stores, t -> t.route("orders").consume().rollout() == null);
        LOG.info("route propagation to 3 sidecars: rollout {} ms, rollback {} ms", rolloutMillis, rollbackMillis);

        for (RouteStore s : stores) {
            assertThat(s.revision(made.number()))
                    .get()
                    .extracting(RouteRevision::actor)
                    .isEqualTo("alice");
            assertThat(s.current().number()).isEqualTo(rolledBack.number());
            assertThat(s.table()).isEqualTo(RouteTable.of(List.of(orders())));
        }

        KafkaRouteDistribution late = sidecar("late", topic, List.of());
        RouteRevision joined = late.ready().get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        assertThat(joined.table()).isEqualTo(a.store().table());
        assertThat(late.store().table().route("orders")).isEqualTo(orders());
    }

    @Test
    void aChangeSubmittedTheMomentARevisionIsSeenIsComputedFromThatRevision(TestInfo test) throws Exception {
        String topic = topicFor(test);
        KafkaRouteDistribution a = sidecar("a", topic, List.of(orders()));
        a.ready().get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        await("the initial routes are published")
                .atMost(CONVERGE)
                .until(() -> a.store().current().number() > 0);
        CompletableFuture<RouteRevision> rollback = new CompletableFuture<>();
        a.store().addListener((previous, current) -> {
            var rollout = current.table().route("orders").consume().rollout();
            if (rollout != null && !rollback.isDone()) {
                // as an operator's script would: roll back the instant the rollout is visible
                a.submit(new RouteChange.Rollback("orders", "bot", "instant rollback"))
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                rollback.completeExceptionally(e);
                            } else {
                                rollback.complete(r);
                            }
                        });
            }
        });
        a.submit(new RouteChange.Rollout("orders", Side.CONSUME, 2, 25, "alice", "ramp v2"))
                .get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        RouteRevision rolledBack = rollback.get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        assertThat(rolledBack.actor()).isEqualTo("bot");
        assertThat(rolledBack.table().route("orders").consume().rollout()).isNull();
        await("the rollback is in force")
                .atMost(CONVERGE)
                .until(() -> a.store().table().route("orders").consume().rollout() == null);
    }

    @Test
    void concurrentChangesFromTwoSidecarsResolveToOneOrder(TestInfo test) throws Exception {
        String topic = topicFor(test);
        KafkaRouteDistribution a = sidecar("a", topic, List.of(orders()));
        KafkaRouteDistribution b = sidecar("b", topic, List.of(orders()));
        KafkaRouteDistribution c = sidecar("c", topic, List.of(orders()));
        for (KafkaRouteDistribution d : started) {
            d.ready().get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        }
        await("every sidecar has the first routes")
                .atMost(CONVERGE)
                .until(() -> started.stream().allMatch(d -> d.store().current().number() > 0));

        // Both sidecars change the same topic at the same time, each on its own side.
        List<CompletableFuture<RouteRevision>> futures = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            futures.add(a.submit(new RouteChange.Rollout("orders", Side.CONSUME, 2, i, "a", "")));
            futures.add(b.submit(new RouteChange.Rollout("orders", Side.PRODUCE, 3, i * 2, "b", "")));
        }
        futures.add(b.submit(new RouteChange.Put(RouteConfig.consumeOnly("payments", 5), "b", "")));
        for (CompletableFuture<RouteRevision> f : futures) {
            f.get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        }

        List<RouteStore> stores = List.of(a.store(), b.store(), c.store());
        await("all sidecars agree")
                .atMost(CONVERGE)
                .until(() -> stores.stream()
                                        .map(RouteStore::current)
                                        .map(RouteRevision::number)
                                        .distinct()
                                        .count()
                                == 1
                        && stores.stream().map(RouteStore::table).distinct().count() == 1);
        RouteTable agreed = c.store().table();
        assertThat(agreed.route("orders").consume().rollout().percent()).isEqualTo(10);
        assertThat(agreed.route("orders").produce().rollout().percent()).isEqualTo(20);
        assertThat(agreed.route("payments").consume().version()).isEqualTo(5);
        assertThat(a.store().history())
                .extracting(RouteRevision::number)
                .isEqualTo(
                        c.store().history().stream().map(RouteRevision::number).toList());

        KafkaRouteDistribution late = sidecar("late", topic, List.of());
        assertThat(late.ready().get(CONVERGE.toSeconds(), TimeUnit.SECONDS).table())
                .isEqualTo(agreed);
    }

    @Test
    void invalidChangeFailsAtTheSubmitterAndPublishesNothing(TestInfo test) throws Exception {
        KafkaRouteDistribution a = sidecar("a", topicFor(test), List.of(orders()));
        a.ready().get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        long before = a.store().current().number();

        assertThatThrownBy(() -> a.submit(new RouteChange.Rollout("nope", Side.CONSUME, 2, 5, "a", ""))
                        .get(CONVERGE.toSeconds(), TimeUnit.SECONDS))
                .hasMessageContaining("has no route");
        RouteRevision after = a.submit(new RouteChange.Put(RouteConfig.consumeOnly("x", 1), "a", ""))
                .get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        assertThat(after.number())
                .as("the invalid change took no position in the log")
                .isEqualTo(before + 1);
    }
}
