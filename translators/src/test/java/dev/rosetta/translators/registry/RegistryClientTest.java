package dev.rosetta.translators.registry;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RegistryClientTest {
    static final String V1 =
            "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
    static final String V2 = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"note\",\"type\":\"string\",\"default\":\"\"}]}";

    final FakeRegistry fake = new FakeRegistry("/apis/ccompat/v7");

    @AfterEach
    void stop() {
        fake.close();
    }

    static String quoted(String s) {
        return RegistryClient.JSON.valueToTree(s).toString();
    }

    RegistryClient client() {
        return new RegistryClient(RegistryClientConfig.builder(fake.url())
                .retries(2, Duration.ofMillis(5), Duration.ofMillis(20))
                .requestTimeout(Duration.ofMillis(500))
                .build());
    }

    @Test
    void fetchesSchemaByIdUnderPathPrefixWithRulesAndReferences() {
        fake.on(
                "GET",
                "/schemas/ids/7",
                200,
                "{\"schema\":" + quoted(V1) + ",\"references\":[{\"name\":\"a.B\","
                        + "\"subject\":\"b\",\"version\":2}],\"ruleSet\":{\"migrationRules\":[]}}");
        RegisteredSchema s = client().schemaById(7).join();
        assertThat(s.id()).isEqualTo(7);
        assertThat(s.schema()).isEqualTo(V1);
        assertThat(s.schemaType()).isEqualTo("AVRO");
        assertThat(s.references()).containsExactly(new SchemaReference("a.B", "b", 2));
        assertThat(s.ruleSet().has("migrationRules")).isTrue();
        assertThat(fake.requests.get(0).path()).isEqualTo("/schemas/ids/7");
    }

    @Test
    void sendsBasicAuthAndBearerTokens() {
        fake.on("GET", "/subjects", 200, "[\"orders-value\"]");
        var basic = new RegistryClient(RegistryClientConfig.builder(fake.url())
                .basicAuth("ann", "s3cret")
                .build());
        assertThat(basic.subjects().join()).containsExactly("orders-value");
        assertThat(fake.requests.get(0).header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("ann:s3cret".getBytes()));
        var bearer = new RegistryClient(
                RegistryClientConfig.builder(fake.url()).bearerToken("tok").build());
        bearer.subjects().join();
        assertThat(fake.requests.get(1).header("Authorization")).isEqualTo("Bearer tok");
        assertThat(basic.config().toString()).doesNotContain("s3cret");
    }

    @Test
    void errorsCarryRegistryErrorCodeAndMessageAndAreNotRetried() {
        fake.on("GET", "/schemas/ids/99", 404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}");
        assertThatThrownBy(() -> client().schemaById(99).join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(40403);
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.registryMessage()).isEqualTo("Schema 99 not found");
                    assertThat(e.getMessage()).contains("/schemas/ids/99").contains("40403");
                    assertThat(e.isNotFound()).isTrue();
                });
        assertThat(fake.count("GET", "/schemas/ids/99")).isEqualTo(1);
    }

    @Test
    void retriesServerErrorsAFewTimesThenGivesUp() {
        fake.down = true;
        RegistryClient c = client();
        assertThatThrownBy(() -> c.schemaById(1).join())
                .cause()
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(50301));
        assertThat(fake.count("GET", "/schemas/ids/1")).isEqualTo(3); // first try + 2 retries
        assertThat(c.health().up()).isFalse();
        assertThat(c.health().consecutiveFailures()).isEqualTo(3);
        assertThat(c.health().lastError()).contains("50301");

        fake.down = false;
        fake.on("GET", "/schemas/ids/1", 200, "{\"schema\":" + quoted(V1) + "}");
        assertThat(c.schemaById(1).join().schema()).isEqualTo(V1);
        assertThat(c.health().up()).isTrue();
    }

    @Test
    void slowAnswerTimesOutWithClearError() {
        fake.slow = new CountDownLatch(1);
        RegistryClient c = new RegistryClient(RegistryClientConfig.builder(fake.url())
                .retries(0, Duration.ofMillis(1), Duration.ofMillis(1))
                .requestTimeout(Duration.ofMillis(200))
                .build());
        assertThatThrownBy(() -> c.schemaById(1).join()).cause().isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.httpStatus()).isZero();
            assertThat(e.registryMessage()).contains("timed out after 200 ms");
        });
        assertThat(c.health().up()).isFalse();
    }

    @Test
    void postsCarryJsonContentTypeAndSchemaBody() {
        fake.on("POST", "/subjects/orders-value/versions", 200, "{\"id\":42}");
        fake.on(
                "POST",
                "/subjects/orders-value",
                200,
                "{\"subject\":\"orders-value\",\"id\":42,\"version\":3," + "\"schema\":" + quoted(V1) + "}");
        fake.on(
                "POST",
                "/compatibility/subjects/orders-value/versions/latest?verbose=true",
                200,
                "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1\"]}");
        fake.on("GET", "/config", 200, "{\"compatibilityLevel\":\"BACKWARD\"}");
        fake.on("GET", "/config/orders-value", 200, "{\"compatibilityLevel\":\"FULL\"}");
        RegistryClient c = client();
        assertThat(c.register("orders-value", RegisteredSchema.avro(-1, V1)).join())
                .isEqualTo(42);
        RegisteredSchema found =
                c.lookup("orders-value", RegisteredSchema.avro(-1, V1)).join();
        assertThat(found.version()).isEqualTo(3);
        assertThat(found.id()).isEqualTo(42);
        CompatibilityResult compat = c.testCompatibility("orders-value", "latest", RegisteredSchema.avro(-1, V2))
                .join();
        assertThat(compat.compatible()).isFalse();
        assertThat(compat.messages()).hasSize(1);
        assertThat(c.globalCompatibility().join()).isEqualTo("BACKWARD");
        assertThat(c.subjectCompatibility("orders-value").join()).isEqualTo("FULL");
        for (var r : fake.requests) {
            if (r.method().equals("POST")) {
                assertThat(r.header("Content-Type")).isEqualTo("application/json");
                assertThat(r.body()).contains("\"schema\":");
            }
        }
    }

    @Test
    void encodesSubjectsWithSpecialCharacters() {
        fake.on("GET", "/subjects/a%20b%2Fc/versions", 200, "[3,1,2]");
        assertThat(client().versions("a b/c").join()).containsExactly(1, 2, 3);
    }

    @Test
    void cachedAnswersNeverWaitAndSurviveOutages() {
        fake.on("GET", "/schemas/ids/5", 200, "{\"schema\":" + quoted(V1) + "}");
        fake.on(
                "GET",
                "/subjects/orders-value/versions/1",
                200,
                "{\"subject\":\"orders-value\",\"version\":1," + "\"id\":5,\"schema\":" + quoted(V1) + "}");
        CachingSchemaRegistry reg = new CachingSchemaRegistry(client());
        assertThat(reg.cachedSchemaById(5)).isEmpty();
        reg.schemaById(5).join();
        assertThat(reg.cachedSchemaById(5)).map(RegisteredSchema::schema).contains(V1);
        reg.version("orders-value", 1).join();

        fake.down = true;
        fake.slow = new CountDownLatch(1); // any network call would now hang: cached answers must not
        CompletableFuture<RegisteredSchema> f = reg.schemaById(5);
        assertThat(f).isCompleted();
        assertThat(reg.version("orders-value", 1)).isCompleted();
        assertThat(reg.cachedVersion("orders-value", 1))
                .map(RegisteredSchema::id)
                .contains(5);
        assertThat(fake.count("GET", "/schemas/ids/5")).isEqualTo(1);
    }

    @Test
    void latestRefreshesInBackgroundAndKeepsOldAnswerDuringOutage() {
        AtomicLong nanos = new AtomicLong();
        Ticker ticker = nanos::get;
        fake.on(
                "GET",
                "/subjects/s/versions/latest",
                200,
                "{\"subject\":\"s\",\"version\":1,\"id\":10," + "\"schema\":" + quoted(V1) + "}");
        CachingSchemaRegistry reg = new CachingSchemaRegistry(client(), 100, Duration.ofSeconds(30), ticker);
        assertThat(reg.latest("s").join().version()).isEqualTo(1);

        fake.on(
                "GET",
                "/subjects/s/versions/latest",
                200,
                "{\"subject\":\"s\",\"version\":2,\"id\":12," + "\"schema\":" + quoted(V2) + "}");
        nanos.addAndGet(Duration.ofSeconds(31).toNanos());
        CompletableFuture<RegisteredSchema> stale = reg.latest("s");
        assertThat(stale).isCompleted();
        assertThat(stale.join().version()).isEqualTo(1); // answered at once, refresh runs behind
        await("latest refreshed to v2")
                .atMost(Duration.ofSeconds(5))
                .until(() -> reg.latest("s").join().version() == 2);
        assertThat(reg.cachedSchemaById(12)).isPresent(); // by-id cache learns from version answers

        fake.down = true;
        nanos.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(reg.latest("s").join().version()).isEqualTo(2);
        await("outage reported, health now " + reg.health())
                .atMost(Duration.ofSeconds(5))
                .until(() -> {
                    reg.latest("s");
                    return !reg.health().up();
                });
        assertThat(reg.latest("s").join().version()).isEqualTo(2);
        assertThat(reg.health().servedFromCacheDuringOutage()).isPositive();
        assertThat(reg.health().lastError()).contains("503");
    }

    @Test
    void versionOfFindsTheVersionOfAnIdInASubject() {
        fake.on("GET", "/schemas/ids/21", 200, "{\"schema\":" + quoted(V2) + "}");
        fake.on(
                "POST",
                "/subjects/orders-value",
                200,
                "{\"subject\":\"orders-value\",\"id\":21,\"version\":2," + "\"schema\":" + quoted(V2) + "}");
        CachingSchemaRegistry reg = new CachingSchemaRegistry(client());
        assertThat(reg.versionOf("orders-value", 21).join()).isEqualTo(2);
        assertThat(reg.versionOf("orders-value", 21).join()).isEqualTo(2);
        assertThat(fake.count("POST", "/subjects/orders-value")).isEqualTo(1);
        List<String> bodies = fake.requests.stream()
                .filter(r -> r.method().equals("POST"))
                .map(r -> r.body())
                .toList();
        assertThat(bodies.get(0)).contains("note");
    }
}
