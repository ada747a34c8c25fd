package dev.rosetta.proxy.admin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.routing.AuditLog;
import dev.rosetta.config.routing.RouteRevision;
import dev.rosetta.config.routing.RouteStore;
import dev.rosetta.proxy.Sidecar;
import dev.rosetta.proxy.testing.AdminHttp;
import dev.rosetta.proxy.testing.RouteSidecars;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routes API over real HTTP against a sidecar whose route changes go through the routes
 * topic on a real broker (the production path): each endpoint, and bad requests that must get
 * a 4xx JSON body and change nothing.
 */
@ExtendWith(KafkaClusterExtension.class)
class RoutesAdminApiTest {

    @BrokerCluster
    static KafkaCluster cluster;

    static Path dir;
    static Sidecar sidecar;
    static AdminHttp http;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("rosetta-admin-api");
        List<RouteConfig> routes = List.of(
                new RouteConfig("orders", null, null, ConsumeConfig.of(1), ProduceConfig.of(1), null),
                new RouteConfig("payments", null, null, null, ProduceConfig.of(3), null));
        sidecar = new Sidecar(RouteSidecars.config(
                        cluster.getBootstrapServers(),
                        "_rosetta_routes_api",
                        "api-1",
                        dir.resolve("audit/routes.jsonl"),
                        null,
                        routes))
                .start();
        sidecar.routesReady().get(60, java.util.concurrent.TimeUnit.SECONDS);
        http = new AdminHttp(sidecar.admin().baseUrl());
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    private static RouteStore store() {
        return sidecar.routeStore();
    }

    @Test
    void listShowsTheRevisionAndEveryRoute() {
        AdminHttp.Answer answer = http.get("/routes");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("revision").asLong())
                .isEqualTo(store().current().number());
        assertThat(answer.json().path("routes").findValuesAsText("topic")).contains("orders", "payments");
        assertThat(answer.header("X-Rosetta-Revision"))
                .isEqualTo(String.valueOf(store().current().number()));
    }

    @Test
    void whatGetShowsCanBePutBackWithoutAChange() {
        AdminHttp.Answer shown = http.get("/routes/payments");
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.json().path("produce").path("version").asInt()).isEqualTo(3);
        long before = store().current().number();

        AdminHttp.Answer put = http.put("/routes/payments", shown.body());

        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().path("applied").asBoolean()).isFalse();
        assertThat(store().current().number()).isEqualTo(before);
    }

    @Test
    void putCreatesARouteRecordingActorAndReasonInTheAuditLog() throws Exception {
        AdminHttp.Answer put = http.put(
                "/routes/shipments",
                "{\"consume\": {\"version\": 2}, \"failure\": {\"mode\": \"DEAD_LETTER\", \"deadLetterTopic\": \"shipments.dlq\"},"
                        + " \"reason\": \"new consumers need v2\"}",
                "X-Rosetta-Actor",
                "alice");

        assertThat(put.status()).as(put.body()).isEqualTo(200);
        long revision = put.json().path("revision").asLong();
        assertThat(put.json().path("actor").asText()).isEqualTo("alice");
        assertThat(put.json().path("reason").asText()).isEqualTo("new consumers need v2");
        assertThat(put.json()
                        .path("route")
                        .path("failure")
                        .path("deadLetterTopic")
                        .asText())
                .isEqualTo("shipments.dlq");
        assertThat(store().table().route("shipments").consume().version()).isEqualTo(2);
        assertThat(store().current().number()).isGreaterThanOrEqualTo(revision);

        List<RouteRevision> audit = AuditLog.read(dir.resolve("audit/routes.jsonl"));
        assertThat(audit).anySatisfy(r -> {
            assertThat(r.number()).isEqualTo(revision);
            assertThat(r.actor()).isEqualTo("alice");
            assertThat(r.reason()).isEqualTo("new consumers need v2");
            assertThat(r.changed()).containsExactly("shipments");
        });
    }

    @Test
    void invalidRouteIsRejectedWithEveryProblemAndChangesNothing() {
        long before = store().current().number();
        RouteConfig ordersBefore = store().table().route("orders");

        AdminHttp.Answer answer = http.put(
                "/routes/orders",
                "{\"consume\": {\"version\": 0, \"rollout\": {\"version\": 2, \"percent\": 101}}, \"colour\": \"red\"}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("problems").findValuesAsText("path"))
                .contains("consume.version", "consume.rollout.percent", "colour");
        assertThat(answer.json().path("problems").get(0).path("message").asText())
                .startsWith("PUT /routes/orders");
        assertThat(store().current().number()).isEqualTo(before);
        assertThat(store().table().route("orders")).isEqualTo(ordersBefore);
    }

    @Test
    void malformedOrMismatchedBodiesAreRejected() {
        long before = store().current().number();

        AdminHttp.Answer empty = http.put("/routes/orders", "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().path("error").asText()).contains("request body must be the route");

        AdminHttp.Answer mismatch =
                http.put("/routes/orders", "{\"topic\": \"payments\", \"consume\": {\"version\": 1}}");
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.json().path("problems").get(0).path("reason").asText())
                .contains("does not match");

        AdminHttp.Answer notJson = http.post("/routes/orders/rollout", "side=consume");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().path("error").asText()).contains("not JSON");

        assertThat(store().current().number()).isEqualTo(before);
    }

    @Test
    void aRolloutAtAHundredPercentReadsAsPeopleWriteIt() {
        AdminHttp.Answer rollout =
                http.post("/routes/orders/rollout", "{\"side\": \"consume\", \"version\": 2, \"percent\": 100}");
        assertThat(rollout.status()).as(rollout.body()).isEqualTo(200);

        String route = http.get("/routes/orders").body();
        assertThat(route).contains("\"percent\" : 100").doesNotContain("E+");
        http.post("/routes/orders/rollback", "");
    }

    @Test
    void rolloutRampsOneSideAndRollbackRestoresIt() {
        AdminHttp.Answer rollout = http.post(
                "/routes/orders/rollout",
                "{\"side\": \"produce\", \"version\": 2, \"percent\": 12.5, \"reason\": \"ramp\"}",
                "X-Rosetta-Actor",
                "bob");

        assertThat(rollout.status()).as(rollout.body()).isEqualTo(200);
        assertThat(rollout.json().path("description").asText()).isEqualTo("rollout orders produce v2 at 12.5%");
        assertThat(store().table().route("orders").produce().rollout().percent())
                .isEqualTo(12.5);
        assertThat(store().table().route("orders").consume().rollout())
                .as("the other side is untouched")
                .isNull();

        AdminHttp.Answer history = http.get("/routes/orders/history");
        assertThat(history.status()).isEqualTo(200);
        JsonNode last = history.json()
                .path("revisions")
                .get(history.json().path("revisions").size() - 1);
        assertThat(last.path("actor").asText()).isEqualTo("bob");
        assertThat(last.path("reason").asText()).isEqualTo("ramp");
        assertThat(last.path("route")
                        .path("produce")
                        .path("rollout")
                        .path("version")
                        .asInt())
                .isEqualTo(2);

        AdminHttp.Answer rollback = http.post("/routes/orders/rollback", "", "X-Rosetta-Reason", "errors in v2");

        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        assertThat(rollback.json().path("actor").asText()).isEqualTo("admin-api");
        assertThat(rollback.json().path("reason").asText()).isEqualTo("errors in v2");
        assertThat(rollback.json().path("description").asText()).startsWith("rollback orders to revision ");
        assertThat(store().table().route("orders").produce().rollout()).isNull();
    }

    @Test
    void aRolloutToAVersionWithoutAKeyVersionIsRejected() {
        AdminHttp.Answer put = http.put(
                "/routes/keyed",
                "{\"keySubject\": \"keyed-key\", \"keyVersions\": {\"1\": 1}, \"produceKeys\": \"translate\", \"consume\": {\"version\": 1}}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().path("route").path("keyVersions").path("1").asInt())
                .isEqualTo(1);
        assertThat(put.json().path("route").path("produceKeys").asText()).isEqualTo("TRANSLATE");
        long before = store().current().number();

        AdminHttp.Answer rollout =
                http.post("/routes/keyed/rollout", "{\"side\": \"consume\", \"version\": 2, \"percent\": 5}");

        assertThat(rollout.status()).isEqualTo(400);
        assertThat(rollout.body()).contains("keyVersions", "consume.rollout.version 2");
        assertThat(store().current().number()).isEqualTo(before);
        assertThat(store().table().route("keyed").consume().rollout()).isNull();
    }

    @Test
    void badRolloutRequestsNameTheirProblemAndChangeNothing() {
        long before = store().current().number();

        AdminHttp.Answer missing = http.post("/routes/orders/rollout", "{}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("problems").findValuesAsText("path"))
                .containsExactly("side", "version", "percent");

        AdminHttp.Answer bad = http.post(
                "/routes/orders/rollout",
                "{\"side\": \"sideways\", \"version\": \"two\", \"percent\": 12.3456, \"colour\": 1}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("problems").findValuesAsText("path")).containsExactly("colour");

        AdminHttp.Answer values = http.post(
                "/routes/orders/rollout", "{\"side\": \"sideways\", \"version\": \"two\", \"percent\": 12.3456}");
        assertThat(values.status()).isEqualTo(400);
        assertThat(values.json().path("problems").findValuesAsText("reason"))
                .anySatisfy(r -> assertThat(r).contains("consume or produce"))
                .anySatisfy(r -> assertThat(r).contains("integer >= 1"))
                .anySatisfy(r -> assertThat(r).contains("at most 3 decimals"));

        AdminHttp.Answer noSide =
                http.post("/routes/payments/rollout", "{\"side\": \"consume\", \"version\": 2, \"percent\": 5}");
        assertThat(noSide.status()).isEqualTo(400);
        assertThat(noSide.json().path("error").asText()).contains("has no consume side");

        AdminHttp.Answer unrouted =
                http.post("/routes/unrouted/rollout", "{\"side\": \"consume\", \"version\": 2, \"percent\": 5}");
        assertThat(unrouted.status()).isEqualTo(404);
        assertThat(unrouted.json().path("error").asText()).contains("'unrouted' has no route");

        assertThat(store().current().number()).isEqualTo(before);
    }

    @Test
    void rollbackWithoutAnEarlierRouteIsRejected() {
        long before = store().current().number();

        AdminHttp.Answer answer = http.post("/routes/payments/rollback", "{\"reason\": \"just because\"}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").asText()).contains("rollback payments");
        assertThat(store().current().number()).isEqualTo(before);

        AdminHttp.Answer unknown = http.post("/routes/never-routed/rollback", "");
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void deleteRemovesARouteAndRollbackBringsItBack() {
        AdminHttp.Answer put = http.put("/routes/returns", "consume:\n  version: 4\n");
        assertThat(put.status())
                .as("YAML bodies are accepted too: " + put.body())
                .isEqualTo(200);

        AdminHttp.Answer delete = http.delete("/routes/returns", "X-Rosetta-Actor", "carol");
        assertThat(delete.status()).as(delete.body()).isEqualTo(200);
        assertThat(delete.json().path("route").isNull()).isTrue();
        assertThat(store().table().route("returns")).isNull();
        assertThat(http.get("/routes/returns").status()).isEqualTo(404);
        assertThat(http.delete("/routes/returns").status()).isEqualTo(404);

        AdminHttp.Answer rollback = http.post("/routes/returns/rollback", "");
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        assertThat(store().table().route("returns").consume().version()).isEqualTo(4);
    }

    @Test
    void readyAndRevisionGaugeReflectTheRoutes() {
        AdminHttp.Answer ready = http.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("checks").path("routes").asText()).isEqualTo("ready");

        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("rosetta_routes_revision ");
        double gauge = metrics.lines()
                .filter(l -> l.startsWith("rosetta_routes_revision "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
                .findFirst()
                .orElseThrow();
        assertThat((long) gauge).isEqualTo(store().current().number());
        assertThat(metrics)
                .as("each /readyz check is a gauge too, for alerts")
                .contains("rosetta_readiness{check=\"routes\"} 1.0");
    }
}
