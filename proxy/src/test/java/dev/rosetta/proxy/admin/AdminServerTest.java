package dev.rosetta.proxy.admin;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.rosetta.config.AdminConfig;
import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.routing.RouteChange;
import dev.rosetta.config.routing.RouteChanges;
import dev.rosetta.config.routing.RouteRevision;
import dev.rosetta.config.routing.RouteStore;
import dev.rosetta.proxy.testing.AdminHttp;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin server's own behaviour, without Kafka: readiness hook, token, unknown paths, slow changes. */
class AdminServerTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private AdminServer server;

    private AdminHttp start(String token, RouteChanges changes, List<ReadinessCheck> checks, Duration changeTimeout) {
        server = new AdminServer(new AdminConfig(true, "127.0.0.1", 0, token), registry, changes, checks, changeTimeout)
                .start();
        return new AdminHttp(server.baseUrl());
    }

    private int port() {
        return java.net.URI.create(server.baseUrl()).getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    @Test
    void readyzIsNotReadyUntilEveryCheckPassesAndNamesTheReason() {
        AtomicReference<String> routes = new AtomicReference<>("reading the routes topic _rosetta_routes");
        AdminHttp http = start(
                null,
                RouteStore.of(List.of()),
                List.of(ReadinessCheck.of("routes", routes::get)),
                AdminServer.DEFAULT_CHANGE_TIMEOUT);

        AdminHttp.Answer notReady = http.get("/readyz");
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.json().path("status").asText()).isEqualTo("not ready");
        assertThat(notReady.json().path("checks").path("routes").asText()).contains("_rosetta_routes");

        routes.set(null);
        server.addReadinessCheck(ReadinessCheck.of("registry", () -> null));
        AdminHttp.Answer ready = http.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("checks").path("routes").asText()).isEqualTo("ready");
        assertThat(ready.json().path("checks").path("registry").asText()).isEqualTo("ready");
    }

    @Test
    void bearerTokenIsRequiredOnEveryPathButTheProbesWhenConfigured() {
        RouteStore store = RouteStore.of(List.of(RouteConfig.consumeOnly("orders", 1)));
        AdminHttp http = start("s3cret", store, List.of(), AdminServer.DEFAULT_CHANGE_TIMEOUT);

        assertThat(http.get("/healthz").status())
                .as("kubelet probes send no token")
                .isEqualTo(200);
        assertThat(http.get("/readyz").status()).isEqualTo(200);
        for (String path : List.of("/metrics", "/routes", "/routes/orders")) {
            AdminHttp.Answer missing = http.get(path);
            assertThat(missing.status()).as(path).isEqualTo(401);
            assertThat(missing.json().path("error").asText()).as(path).contains("bearer token");
        }
        AdminHttp.Answer wrong = http.post("/routes/orders/rollback", "{}", "Authorization", "Bearer nope");
        assertThat(wrong.status()).isEqualTo(401);
        AdminHttp.Answer put = http.put("/routes/orders", "{\"consume\": {\"version\": 3}}");
        assertThat(put.status()).isEqualTo(401);
        assertThat(store.current().number())
                .as("refused requests change nothing")
                .isZero();

        AdminHttp.Answer right = http.get("/routes/orders", "Authorization", "Bearer s3cret");
        assertThat(right.status()).isEqualTo(200);
        assertThat(right.json().path("consume").path("version").asInt()).isEqualTo(1);
    }

    @Test
    void unknownPathsAndMethodsGetJsonErrors() {
        AdminHttp http = start(
                null,
                RouteStore.of(List.of(RouteConfig.consumeOnly("orders", 1))),
                List.of(),
                AdminServer.DEFAULT_CHANGE_TIMEOUT);

        AdminHttp.Answer unknown = http.get("/nope");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("paths").toString()).contains("/routes/{topic}/rollout");

        AdminHttp.Answer sub = http.get("/routes/orders/nope");
        assertThat(sub.status()).isEqualTo(404);
        assertThat(sub.json().path("error").asText()).contains("/rollout");

        AdminHttp.Answer postList = http.post("/routes", "{}");
        assertThat(postList.status()).isEqualTo(405);
        assertThat(postList.header("Allow")).isEqualTo("GET");
        assertThat(postList.json().path("error").asText()).contains("POST /routes is not supported");

        AdminHttp.Answer getRollout = http.get("/routes/orders/rollout");
        assertThat(getRollout.status()).isEqualTo(405);
        assertThat(getRollout.header("Allow")).isEqualTo("POST");

        AdminHttp.Answer deleteHealth = http.delete("/healthz");
        assertThat(deleteHealth.status()).isEqualTo(405);
        assertThat(deleteHealth.json().path("error").asText()).contains("use GET");
    }

    /** Raw HTTP: what a client library would refuse to send. */
    private String raw(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void requestsNettyCouldNotReadAreRefusedWith400AndAJsonBodyAndChangeNothing() throws Exception {
        RouteStore store = RouteStore.of(List.of(RouteConfig.consumeOnly("orders", 1)));
        start(null, store, List.of(), AdminServer.DEFAULT_CHANGE_TIMEOUT);

        String hugeHeader = "DELETE /routes/orders HTTP/1.1\r\nHost: x\r\nX-Padding: " + "a".repeat(20_000)
                + "\r\nX-Rosetta-Actor: mallory\r\nConnection: close\r\n\r\n";
        assertThat(raw(hugeHeader)).startsWith("HTTP/1.1 400").contains("\"error\"");
        assertThat(store.table().route("orders"))
                .as("the route was not deleted")
                .isNotNull();

        assertThat(raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400").contains("\"error\"");
        assertThat(raw("PUT /routes/orders HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n"
                        + "Connection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400")
                .contains("\"error\"");

        // a declared length over the limit is refused on the headers alone (sending the body too would race the
        // server's close: the client could get a broken pipe before it reads the answer)
        assertThat(raw("PUT /routes/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1100000\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 413")
                .contains("\"error\"");
        assertThat(store.table().route("orders").consume().version()).isEqualTo(1);
    }

    @Test
    void aRefusedExpectClosesTheConnectionAndItsBodyIsNeverReadAsARequest() {
        // found by fuzzing: after a 417, Netty's decoder starts over and took the refused request's body, sent
        // anyway, for the next request, which was answered (and could have changed a route)
        RouteStore store = RouteStore.of(List.of(RouteConfig.consumeOnly("orders", 1)));
        InMemoryAdmin admin = new InMemoryAdmin(store);
        String smuggled = "DELETE /routes/orders HTTP/1.1\r\nHost: x\r\n\r\n";
        String refused = "PUT /routes/orders HTTP/1.1\r\nHost: x\r\nExpect: 100-conXinue\r\nContent-Length: "
                + smuggled.length() + "\r\n\r\n" + smuggled;

        String answer = new String(
                admin.exchange(refused.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                java.nio.charset.StandardCharsets.UTF_8);

        assertThat(answer)
                .startsWith("HTTP/1.1 417")
                .containsIgnoringCase("connection: close")
                .contains("\"error\" : \"Expect: 100-conXinue is not supported; only Expect: 100-continue is\"");
        assertThat(answer.split("HTTP/1.1 ", -1)).as("one answer: %s", answer).hasSize(2);
        assertThat(store.table().route("orders"))
                .as("the body was not run as a DELETE")
                .isNotNull();

        // an accepted expectation still works, body and all
        String continued =
                "GET /routes/orders HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 0" + "\r\n\r\n";
        assertThat(new String(
                        admin.exchange(continued.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                        java.nio.charset.StandardCharsets.UTF_8))
                .contains("HTTP/1.1 200");
    }

    @Test
    void theTokenComparisonAcceptsOnlyTheExactHeader() {
        assertThat(AdminServer.authorizes("Bearer s3cret", "Bearer s3cret")).isTrue();
        assertThat(AdminServer.authorizes("Bearer s3cret", "Bearer s3creT"))
                .as("same length")
                .isFalse();
        assertThat(AdminServer.authorizes("Bearer s3cret", "Bearer s3cret2"))
                .as("longer")
                .isFalse();
        assertThat(AdminServer.authorizes("Bearer s3cret", "Bearer"))
                .as("a prefix")
                .isFalse();
        assertThat(AdminServer.authorizes("Bearer s3cret", "")).isFalse();
        assertThat(AdminServer.authorizes("Bearer s3cret", null))
                .as("no header")
                .isFalse();
        assertThat(AdminServer.authorizes("", null))
                .as("no header never matches, not even an empty expectation")
                .isFalse();
    }

    @Test
    void refusesToServeRoutesBeyondLoopbackWithoutATokenUnlessToldTo() {
        AdminServer open = new AdminServer(
                new AdminConfig(true, "0.0.0.0", 0, null), registry, RouteStore.of(List.of()), List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(open::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("admin.bearerToken")
                .hasMessageContaining("admin.allowUnauthenticated");

        server = new AdminServer(
                        new AdminConfig(true, "0.0.0.0", 0, null, true), registry, RouteStore.of(List.of()), List.of())
                .start();
        assertThat(new AdminHttp("http://127.0.0.1:" + port()).get("/healthz").status())
                .isEqualTo(200);
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAndServiceResumesWhenTheyGo() throws Exception {
        AdminHttp http = start(null, RouteStore.of(List.of()), List.of(), AdminServer.DEFAULT_CHANGE_TIMEOUT);
        List<java.net.Socket> held = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < AdminServer.MAX_CONNECTIONS; i++) {
                held.add(new java.net.Socket("127.0.0.1", port())); // connected, sending nothing
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (java.net.Socket extra = new java.net.Socket("127.0.0.1", port())) {
                    extra.setSoTimeout(5_000);
                    assertThat(extra.getInputStream().read())
                            .as("one connection more than the limit is closed at once")
                            .isEqualTo(-1);
                }
            });
            held.forEach(s -> {
                try {
                    s.close();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            held.clear();
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> http.get("/healthz").status() == 200);
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void routesApiIsAbsentWithoutRouteChanges() {
        server = new AdminServer(new AdminConfig(true, "127.0.0.1", 0, null), registry).start();
        AdminHttp.Answer answer = new AdminHttp(server.baseUrl()).get("/routes");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().path("error").asText()).contains("/routes");
    }

    @Test
    void unconfirmedChangeTimesOutWith503WhileOtherRequestsAreServed() {
        RouteStore store = RouteStore.of(List.of(RouteConfig.consumeOnly("orders", 1)));
        CompletableFuture<RouteRevision> never = new CompletableFuture<>();
        RouteChanges stuck = new RouteChanges() {
            @Override
            public CompletableFuture<RouteRevision> submit(RouteChange change) {
                return never;
            }

            @Override
            public RouteStore store() {
                return store;
            }
        };
        AdminHttp http = start(null, stuck, List.of(), Duration.ofMillis(1500));

        CompletableFuture<AdminHttp.Answer> rollout = CompletableFuture.supplyAsync(
                () -> http.post("/routes/orders/rollout", "{\"side\": \"consume\", \"version\": 2, \"percent\": 10}"));
        // The admin thread is not blocked by the pending change: other connections are answered meanwhile.
        AdminHttp.Answer health = http.get("/healthz");
        assertThat(health.status()).isEqualTo(200);
        assertThat(rollout).isNotDone();

        AdminHttp.Answer answer = rollout.join();
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().path("error").asText())
                .contains("rollout orders consume v2 at 10%")
                .contains("was not confirmed within 1s")
                .contains("check GET /routes");
        assertThat(never).as("the submitter's own future is left alone").isNotDone();
    }
}
