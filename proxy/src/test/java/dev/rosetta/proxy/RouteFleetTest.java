package dev.rosetta.proxy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.reload.ConfigWatcher;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.proxy.cli.Rosetta;
import dev.rosetta.proxy.testing.AdminHttp;
import dev.rosetta.proxy.testing.LogCapture;
import dev.rosetta.proxy.testing.RouteSidecars;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several sidecars on one broker agree on their routes: a change made through any of them (admin
 * API or CLI) reaches all, a sidecar started later gets the current routes, and a sidecar
 * started from a file applies good edits of it and keeps its routes on bad ones.
 */
@ExtendWith(KafkaClusterExtension.class)
class RouteFleetTest {
    private static final Logger LOG = LoggerFactory.getLogger(RouteFleetTest.class);
    private static final Duration CONVERGENCE = Duration.ofSeconds(30);
    private static final String FLEET_TOPIC = "_rosetta_routes_fleet";

    @BrokerCluster
    static KafkaCluster cluster;

    static final List<Sidecar> fleet = new ArrayList<>();

    @BeforeAll
    static void startFleet() throws Exception {
        List<RouteConfig> routes = List.of(RouteConfig.consumeOnly("orders", 1));
        // The first one publishes the initial routes; the others start on a topic that has them.
        fleet.add(startSidecar("fleet-a", routes));
        fleet.add(startSidecar("fleet-b", routes));
        fleet.add(startSidecar("fleet-c", routes));
    }

    private static Sidecar startSidecar(String id, List<RouteConfig> routes) throws Exception {
        Sidecar s = new Sidecar(
                        RouteSidecars.config(cluster.getBootstrapServers(), FLEET_TOPIC, id, null, null, routes))
                .start();
        s.routesReady().get(60, TimeUnit.SECONDS);
        return s;
    }

    @AfterAll
    static void stopFleet() {
        fleet.forEach(Sidecar::close);
    }

    private static boolean allHave(List<Sidecar> sidecars, RouteTable table) {
        return sidecars.stream().allMatch(s -> s.routeStore().table().equals(table));
    }

    @Test
    void rolloutAndRollbackThroughAnySidecarReachEverySidecar() throws Exception {
        AdminHttp a = new AdminHttp(fleet.get(0).admin().baseUrl());
        List<Long> rolloutMillis = new ArrayList<>();
        for (int percent : new int[] {1, 5, 10, 25, 50}) {
            long start = System.nanoTime();
            AdminHttp.Answer answer = a.post(
                    "/routes/orders/rollout",
                    "{\"side\": \"consume\", \"version\": 2, \"percent\": " + percent + "}",
                    "X-Rosetta-Actor",
                    "fleet-test");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            long confirmed = System.nanoTime();
            RouteTable expected = fleet.get(0).routeStore().table();
            assertThat(expected.route("orders").consume().rollout().percent()).isEqualTo(percent);
            await("every sidecar has orders at " + percent + "%")
                    .atMost(CONVERGENCE)
                    .until(() -> allHave(fleet, expected));
            long all = System.nanoTime();
            rolloutMillis.add(TimeUnit.NANOSECONDS.toMillis(all - start));
            LOG.info(
                    "rollout to {}%: confirmed by the submitting sidecar after {} ms, on all {} sidecars after {} ms",
                    percent,
                    TimeUnit.NANOSECONDS.toMillis(confirmed - start),
                    fleet.size(),
                    TimeUnit.NANOSECONDS.toMillis(all - start));
        }
        long revision = fleet.get(0).routeStore().current().number();
        assertThat(fleet)
                .allSatisfy(s -> assertThat(s.routeStore().current().number())
                        .as("one revision number for the whole fleet")
                        .isEqualTo(revision));

        // Rollback through the CLI, against another sidecar.
        long start = System.nanoTime();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Rosetta.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(
                "rollback", "orders", "--admin", fleet.get(1).admin().baseUrl(), "--reason", "fleet test");
        assertThat(code).as(err.toString()).isZero();
        RouteTable rolledBack = fleet.get(1).routeStore().table();
        assertThat(rolledBack.route("orders").consume().rollout().percent()).isEqualTo(25);
        await("every sidecar rolled back to 25%").atMost(CONVERGENCE).until(() -> allHave(fleet, rolledBack));
        long rollbackMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        LOG.info(
                "route propagation across {} sidecars: rollouts took {} ms (admin API call to all applied); rollback through"
                        + " the CLI took {} ms",
                fleet.size(),
                rolloutMillis,
                rollbackMillis);

        // A sidecar started later, with other routes in its configuration, takes the fleet's.
        Sidecar late = startSidecar("fleet-late", List.of(RouteConfig.consumeOnly("something-else", 7)));
        fleet.add(late);
        assertThat(late.routeStore().table()).isEqualTo(rolledBack);
        assertThat(late.routeStore().current().number())
                .isEqualTo(fleet.get(0).routeStore().current().number());
        assertThat(new AdminHttp(late.admin().baseUrl())
                        .get("/routes/orders")
                        .json()
                        .path("consume")
                        .path("rollout")
                        .path("percent")
                        .asDouble())
                .isEqualTo(25);
    }

    @Test
    void savingTheConfigFileAppliesGoodEditsAndKeepsRoutesOnBadOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rosetta.yaml");
        Files.writeString(file, yaml("consume:\n      version: 1"), StandardCharsets.UTF_8);
        try (Sidecar sidecar = Sidecar.fromFile(file).start();
                LogCapture watcherLog = new LogCapture(ConfigWatcher.class)) {
            sidecar.routesReady().get(60, TimeUnit.SECONDS);
            assertThat(sidecar.routeStore().table().route("orders").consume().version())
                    .isEqualTo(1);

            Files.writeString(file, yaml("consume:\n      version: 2"), StandardCharsets.UTF_8);
            await("the edit is applied")
                    .atMost(CONVERGENCE)
                    .until(() -> sidecar.routeStore()
                                    .table()
                                    .route("orders")
                                    .consume()
                                    .version()
                            == 2);
            assertThat(sidecar.routeStore().current().actor()).isEqualTo("file");
            long good = sidecar.routeStore().current().number();

            Files.writeString(
                    file,
                    yaml("consume:\n      version: 3\n      rollout: {version: 4, percent: 150}"),
                    StandardCharsets.UTF_8);
            await("the bad edit is rejected")
                    .atMost(CONVERGENCE)
                    .until(() ->
                            watcherLog.lines().stream().anyMatch(l -> l.contains("rejected") && l.contains("percent")));
            assertThat(sidecar.routeStore().table().route("orders").consume().version())
                    .isEqualTo(2);
            assertThat(sidecar.routeStore().current().number()).isEqualTo(good);

            Files.writeString(file, yaml("consume:\n      version: 3"), StandardCharsets.UTF_8);
            await("the fixed file is applied")
                    .atMost(CONVERGENCE)
                    .until(() -> sidecar.routeStore()
                                    .table()
                                    .route("orders")
                                    .consume()
                                    .version()
                            == 3);
            assertThat(Files.readString(dir.resolve("rosetta-audit.jsonl")))
                    .as("the audit log defaults to the file's directory")
                    .contains("\"actor\":\"file\"");
        }
    }

    private static String yaml(String ordersSides) {
        return """
                listener:
                  bootstrapPort: 0
                  brokerPortBase: 0
                upstream:
                  bootstrapServers: %s
                admin:
                  port: 0
                distribution:
                  topic: _rosetta_routes_reload
                  sidecarId: reload-1
                routes:
                  - topic: orders
                    %s
                """.formatted(cluster.getBootstrapServers(), ordersSides);
    }
}
