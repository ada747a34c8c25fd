package dev.rosetta.proxy.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ConsumeOverride;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.proxy.Sidecar;
import dev.rosetta.proxy.testing.AdminHttp;
import dev.rosetta.proxy.testing.RouteSidecars;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rosetta routes / rollout / rollback} against running sidecars: exit codes and what a user reads. */
@ExtendWith(KafkaClusterExtension.class)
class RouteCommandsTest {

    @BrokerCluster
    static KafkaCluster cluster;

    static Sidecar sidecar;
    static Sidecar guarded;

    @BeforeAll
    static void start() throws Exception {
        List<RouteConfig> routes = List.of(
                new RouteConfig(
                        "orders",
                        null,
                        RouteConfig.KeyRoute.of("orders-key"),
                        new ConsumeConfig(1, List.of(new ConsumeOverride("billing-*", null, 2)), null),
                        ProduceConfig.of(1),
                        null),
                new RouteConfig("payments", null, null, null, ProduceConfig.of(3), null));
        sidecar = new Sidecar(RouteSidecars.config(
                        cluster.getBootstrapServers(), "_rosetta_routes_cli", "cli-1", null, null, routes))
                .start();
        sidecar.routesReady().get(60, TimeUnit.SECONDS);
        guarded = new Sidecar(RouteSidecars.config(cluster.getBootstrapServers(), null, null, null, "t0ken", routes))
                .start();
    }

    @AfterAll
    static void stop() {
        guarded.close();
        sidecar.close();
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run rosetta(Sidecar target, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--admin");
        all.add(target.admin().baseUrl());
        return run(all.toArray(String[]::new));
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Rosetta.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void routesListsEveryTopicWithItsVersions() {
        Run run = rosetta(sidecar, "routes");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Routes at revision ")
                .containsPattern("TOPIC\\s+CONSUME\\s+PRODUCE\\s+ON FAILURE")
                .containsPattern("payments\\s+-\\s+v3\\s+PASS_THROUGH")
                .contains("orders");
    }

    @Test
    void routesOfOneTopicShowsEveryDetail() {
        Run run = rosetta(sidecar, "routes", "orders");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "orders (routes revision ",
                        "value subject: orders-value",
                        "key subject:   orders-key (same version numbers as values), produced keys: kept",
                        "clientId billing-* -> v2",
                        "on failure:    PASS_THROUGH (header " + RouteConfig.FailurePolicy.DEFAULT_HEADER + ")");
    }

    @Test
    void rolloutThenHistoryThenRollback() {
        Run rollout = rosetta(
                sidecar,
                "rollout",
                "orders",
                "--side",
                "consume",
                "--version",
                "2",
                "--percent",
                "25",
                "--reason",
                "canary",
                "--actor",
                "alice");

        assertThat(rollout.exitCode()).as(rollout.err()).isZero();
        assertThat(rollout.out())
                .contains("orders: consume side now v1, v2 for 25% of records, 1 override")
                .contains("Applied as revision ")
                .contains("by alice");
        assertThat(sidecar.routeStore()
                        .table()
                        .route("orders")
                        .consume()
                        .rollout()
                        .percent())
                .isEqualTo(25);

        Run history = rosetta(sidecar, "routes", "orders", "--history");
        assertThat(history.exitCode()).as(history.err()).isZero();
        assertThat(history.out()).contains("by alice", "rollout orders consume v2 at 25% (canary)");

        Run rollback = rosetta(sidecar, "rollback", "orders", "--reason", "too many errors", "--actor", "bob");
        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(rollback.out())
                .contains(
                        "Rolled back as revision ",
                        "by bob",
                        "(too many errors)",
                        "orders: consume v1, 1 override; produce v1");
        assertThat(sidecar.routeStore().table().route("orders").consume().rollout())
                .isNull();
    }

    @Test
    void jsonOutputIsTheAdminApiAnswer() {
        Run run = rosetta(
                sidecar, "rollout", "payments", "--side", "produce", "--version", "4", "--percent", "0.5", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = AdminHttp.json(run.out());
        assertThat(json.path("description").asText()).isEqualTo("rollout payments produce v4 at 0.5%");
        assertThat(json.path("route")
                        .path("produce")
                        .path("rollout")
                        .path("percent")
                        .asDouble())
                .isEqualTo(0.5);

        Run list = rosetta(sidecar, "routes", "--json");
        assertThat(list.exitCode()).isZero();
        assertThat(AdminHttp.json(list.out()).path("revision").asLong())
                .isEqualTo(sidecar.routeStore().current().number());
    }

    @Test
    void refusedChangesExitNonZeroWithTheServersMessage() {
        long before = sidecar.routeStore().current().number();

        Run unrouted = rosetta(sidecar, "rollout", "nope", "--side", "consume", "--version", "2", "--percent", "5");
        assertThat(unrouted.exitCode()).isEqualTo(1);
        assertThat(unrouted.err())
                .contains("rosetta rollout: topic 'nope' has no route")
                .contains("(HTTP 404)");

        Run percent = rosetta(sidecar, "rollout", "orders", "--side", "consume", "--version", "2", "--percent", "101");
        assertThat(percent.exitCode()).isEqualTo(1);
        assertThat(percent.err())
                .contains("percent = '101'")
                .contains("from 0 to 100")
                .contains("(HTTP 400)");

        Run noHistory = rosetta(sidecar, "rollback", "nope");
        assertThat(noHistory.exitCode()).isEqualTo(1);
        assertThat(noHistory.err()).contains("has no route");

        Run missingTopic = rosetta(sidecar, "routes", "nope");
        assertThat(missingTopic.exitCode()).isEqualTo(1);
        assertThat(missingTopic.err()).contains("has no route");

        assertThat(sidecar.routeStore().current().number()).isEqualTo(before);
    }

    @Test
    void badCommandLinesExitTwo() {
        Run side = rosetta(sidecar, "rollout", "orders", "--side", "sideways", "--version", "2", "--percent", "5");
        assertThat(side.exitCode()).isEqualTo(2);
        assertThat(side.err()).contains("--side");

        Run history = rosetta(sidecar, "routes", "--history");
        assertThat(history.exitCode()).isEqualTo(2);
        assertThat(history.err()).contains("--history needs a TOPIC");
    }

    @Test
    void tokenIsSentWhenGivenAndItsAbsenceIsExplained() {
        Run without = rosetta(guarded, "routes");
        assertThat(without.exitCode()).isEqualTo(1);
        assertThat(without.err()).contains("bearer token").contains("(HTTP 401)");

        Run with = rosetta(
                guarded,
                "rollout",
                "orders",
                "--side",
                "produce",
                "--version",
                "2",
                "--percent",
                "10",
                "--token",
                "t0ken");
        assertThat(with.exitCode()).as(with.err()).isZero();
        assertThat(guarded.routeStore()
                        .table()
                        .route("orders")
                        .produce()
                        .rollout()
                        .percent())
                .isEqualTo(10);
    }

    @Test
    void unreachableAdminApiIsReported() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Run run = run("routes", "--admin", "http://127.0.0.1:" + closedPort);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cannot reach the admin API at http://127.0.0.1:" + closedPort);
    }
}
