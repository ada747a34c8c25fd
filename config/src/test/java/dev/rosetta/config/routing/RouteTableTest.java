package dev.rosetta.config.routing;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ConsumeOverride;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.RouteConfig.RolloutConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteTableTest {

    private static RouteConfig orders(ConsumeConfig consume) {
        return new RouteConfig("orders", null, null, consume, null, null);
    }

    private static byte[] key(int i) {
        return ("customer-" + i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unroutedTopicHasNoDecision() {
        ClientRoutes routes =
                RouteTable.of(List.of(RouteConfig.consumeOnly("orders", 2))).forClient("app", null);
        assertThat(routes.consume("payments")).isNull();
        assertThat(routes.produce("orders")).isNull();
        assertThat(routes.consume("orders").version((byte[]) null, 0, 5)).isEqualTo(2);
        assertThat(RouteTable.EMPTY.forClient("app", null).isEmpty()).isTrue();
    }

    @Test
    void overridesMatchClientIdGlobsAndPrincipalsFirstMatchWins() {
        RouteTable table = RouteTable.of(List.of(orders(new ConsumeConfig(
                1,
                List.of(
                        new ConsumeOverride("billing-*", null, 2),
                        new ConsumeOverride("*-v?-reader", null, 3),
                        new ConsumeOverride(null, "User:analytics", 4),
                        new ConsumeOverride("audit", "User:auditor", 5),
                        new ConsumeOverride("billing-legacy", null, 9)),
                new RolloutConfig(7, 50)))));

        assertThat(table.forClient("billing-eu", null).consume("orders")).isEqualTo(VersionDecision.fixed(2));
        assertThat(table.forClient("billing-legacy", null).consume("orders").stableVersion())
                .isEqualTo(2);
        assertThat(table.forClient("shop-v2-reader", null).consume("orders").stableVersion())
                .isEqualTo(3);
        assertThat(table.forClient("shop-v22-reader", null).consume("orders").fixed())
                .isFalse();
        assertThat(table.forClient("anything", "User:analytics")
                        .consume("orders")
                        .stableVersion())
                .isEqualTo(4);
        assertThat(table.forClient("audit", "User:auditor").consume("orders").stableVersion())
                .isEqualTo(5);
        assertThat(table.forClient("audit", "User:other").consume("orders"))
                .isEqualTo(new VersionDecision(1, 7, 50_000));
        assertThat(table.forClient(null, null).consume("orders").stableVersion())
                .isEqualTo(1);
    }

    @Test
    void pinnedClientIgnoresTheRollout() {
        RouteTable table = RouteTable.of(List.of(orders(
                new ConsumeConfig(1, List.of(new ConsumeOverride("legacy-*", null, 1)), new RolloutConfig(2, 100)))));
        VersionDecision pinned = table.forClient("legacy-app", null).consume("orders");
        VersionDecision others = table.forClient("new-app", null).consume("orders");
        for (int i = 0; i < 1000; i++) {
            assertThat(pinned.version(key(i), 0, i)).isEqualTo(1);
            assertThat(others.version(key(i), 0, i)).isEqualTo(2);
        }
    }

    @Test
    void sameRecordReadTwiceGetsTheSameVersion() {
        RouteTable table = RouteTable.of(List.of(orders(new ConsumeConfig(1, List.of(), new RolloutConfig(2, 37.5)))));
        VersionDecision first = table.forClient("a", null).consume("orders");
        VersionDecision second =
                RouteTable.of(table.routes()).forClient("b", null).consume("orders");
        for (int i = 0; i < 10_000; i++) {
            assertThat(second.version(ByteBuffer.wrap(key(i)), 3, i)).isEqualTo(first.version(key(i), 0, 0));
            assertThat(second.version((ByteBuffer) null, 3, i)).isEqualTo(first.version((byte[]) null, 3, i));
        }
    }

    @Test
    void raisingThePercentOnlyMovesRecordsFromStableToCanary() {
        int records = 20_000;
        boolean[] canary = new boolean[records];
        int previousCount = 0;
        for (double percent : new double[] {0, 0.125, 1, 5, 12.5, 25, 50, 75, 99.999, 100}) {
            VersionDecision d = RouteTable.of(
                            List.of(orders(new ConsumeConfig(1, List.of(), new RolloutConfig(2, percent)))))
                    .forClient("c", null)
                    .consume("orders");
            int count = 0;
            for (int i = 0; i < records; i++) {
                boolean isCanary = (i % 2 == 0 ? d.version(key(i), 0, i) : d.version((byte[]) null, 1, i)) == 2;
                assertThat(!canary[i] || isCanary)
                        .as("record %d left the canary at %s%%", i, percent)
                        .isTrue();
                canary[i] = isCanary;
                count += isCanary ? 1 : 0;
            }
            assertThat(count).isGreaterThanOrEqualTo(previousCount);
            assertThat((double) count / records * 100).isCloseTo(percent, org.assertj.core.data.Offset.offset(1.5));
            previousCount = count;
        }
        assertThat(previousCount).isEqualTo(records);
    }

    @Test
    void produceSideRampsTheStoredVersion() {
        RouteTable table = RouteTable.of(List.of(
                new RouteConfig("orders", null, null, null, new ProduceConfig(1, new RolloutConfig(2, 30)), null)));
        VersionDecision produce = table.forClient("producer", null).produce("orders");
        int v2 = 0;
        for (int i = 0; i < 10_000; i++) {
            v2 += produce.version(key(i), 0, 0) == 2 ? 1 : 0;
        }
        assertThat(v2).isBetween(2_700, 3_300);
        assertThat(table.forClient("producer", null).consume("orders")).isNull();
    }

    @Test
    void connectionRoutesFollowTheCurrentTableAndTheClientIdentity() {
        RouteTable v1 = RouteTable.of(
                List.of(orders(new ConsumeConfig(1, List.of(new ConsumeOverride(null, "User:beta", 3)), null))));
        AtomicReference<RouteTable> current = new AtomicReference<>(v1);
        ConnectionRoutes connection = new ConnectionRoutes(current::get, "app", null);

        ClientRoutes first = connection.current();
        assertThat(connection.current()).isSameAs(first);
        assertThat(first.consume("orders").stableVersion()).isEqualTo(1);

        current.set(v1.with(orders(ConsumeConfig.of(2))));
        assertThat(connection.current().consume("orders").stableVersion()).isEqualTo(2);

        current.set(v1);
        connection.identify("app", "User:beta");
        assertThat(connection.current().consume("orders").stableVersion()).isEqualTo(3);
    }

    @Test
    void tableRejectsTwoRoutesForOneTopicAndEditsMakeNewTables() {
        assertThatThrownBy(
                        () -> RouteTable.of(List.of(RouteConfig.consumeOnly("a", 1), RouteConfig.consumeOnly("a", 2))))
                .hasMessageContaining("more than one route for topic 'a'");
        RouteTable t = RouteTable.of(List.of(RouteConfig.consumeOnly("b", 1)));
        RouteTable added = t.with(RouteConfig.consumeOnly("a", 1));
        assertThat(added.routes()).extracting(RouteConfig::topic).containsExactly("a", "b");
        assertThat(t.routes()).hasSize(1);
        assertThat(added.without("b").without("a")).isEqualTo(RouteTable.EMPTY);
        assertThat(added.routes("a")).isTrue();
    }

    @Test
    void perRecordDecisionsAllocateNothing() {
        VersionDecision d = RouteTable.of(List.of(orders(new ConsumeConfig(1, List.of(), new RolloutConfig(2, 40)))))
                .forClient("c", null)
                .consume("orders");
        ByteBuffer key = ByteBuffer.wrap(key(12345));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 200_000; i++) { // warm up so the JIT has compiled the path
            sink += d.version(key, 0, i) + d.version((ByteBuffer) null, 1, i);
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 1_000_000; i++) {
            sink += d.version(key, 0, i) + d.version((ByteBuffer) null, 1, i);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by 2,000,000 decisions").isLessThan(4096);
    }
}
