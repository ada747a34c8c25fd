package dev.rosetta.proxy.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.chain.StepCatalog;
import dev.rosetta.translators.chain.TranslatorChain;
import dev.rosetta.translators.registry.CachingSchemaRegistry;
import dev.rosetta.translators.registry.CompatibilityResult;
import dev.rosetta.translators.registry.RegisteredSchema;
import dev.rosetta.translators.registry.RegistryClient;
import dev.rosetta.translators.registry.RegistryClientConfig;
import dev.rosetta.translators.registry.RegistryException;
import dev.rosetta.translators.registry.SchemaReference;
import dev.rosetta.translators.verify.VerificationReport;
import dev.rosetta.translators.verify.Verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedRegistryTest {
    /** The folder the README and the demo use, exactly as shipped. */
    static final Path SHIPPED_CONTRACTS = Path.of("../config/examples/contracts");

    static final Path SHIPPED_TRANSLATORS = Path.of("../config/examples/translators");

    static final String ORDER_V1 = """
            {"type":"record","name":"Order","namespace":"t","fields":[
              {"name":"id","type":"string"},{"name":"amount","type":"int"}]}""";
    static final String ORDER_V2 = """
            {"type":"record","name":"Order","namespace":"t","fields":[
              {"name":"id","type":"string"},{"name":"amount","type":"int"},
              {"name":"currency","type":"string","default":"EUR"}]}""";
    static final String PAYMENT = """
            {"type":"record","name":"Payment","namespace":"t","fields":[{"name":"ref","type":"string"}]}""";

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private EmbeddedRegistry start(Path folder) {
        EmbeddedRegistry r = EmbeddedRegistry.start(folder);
        open.add(r);
        return r;
    }

    private static RegistryClient client(EmbeddedRegistry r) {
        return new RegistryClient(RegistryClientConfig.builder(r.url())
                .retries(0, Duration.ofMillis(10), Duration.ofMillis(10))
                .build());
    }

    private Path folder(Map<String, String> files) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "contracts");
        for (var e : files.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
        }
        return dir;
    }

    private static RegisteredSchema avro(String text) {
        return RegisteredSchema.avro(-1, text);
    }

    /** The failure of {@code call} as the registry client reports it. */
    private static RegistryException failure(Supplier<CompletableFuture<?>> call) {
        try {
            call.get().join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(RegistryException.class);
            return (RegistryException) e.getCause();
        }
        throw new AssertionError("the call succeeded");
    }

    private static HttpResponse<String> http(
            EmbeddedRegistry r, String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(r.url() + path));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- the shipped example contracts ----

    @Test
    void servesTheShippedExampleContractsWithStableIds() {
        EmbeddedRegistry r = start(SHIPPED_CONTRACTS);
        RegistryClient c = client(r);

        assertThat(r.url()).startsWith("http://127.0.0.1:");
        assertThat(c.subjects().join()).containsExactly("orders-value");
        assertThat(c.versions("orders-value").join()).containsExactly(1, 2);
        RegisteredSchema v1 = c.version("orders-value", 1).join();
        RegisteredSchema v2 = c.latest("orders-value").join();
        // The demo and the README rely on these ids: v1 is schema 1, v2 is schema 2.
        assertThat(v1.id()).isEqualTo(1);
        assertThat(v2.id()).isEqualTo(2);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(r.schema("orders-value", 2))
                .hasValueSatisfying(s -> assertThat(s.id()).isEqualTo(2));

        Schema v1File = new Schema.Parser().parse(read(SHIPPED_CONTRACTS.resolve("orders-value/v1.avsc")));
        Schema v2File = new Schema.Parser().parse(read(SHIPPED_CONTRACTS.resolve("orders-value/v2.avsc")));
        assertThat(new Schema.Parser().parse(c.schemaById(1).join().schema())).isEqualTo(v1File);
        assertThat(new Schema.Parser().parse(c.schemaById(2).join().schema())).isEqualTo(v2File);
        assertThat(v2File.getField("currency").defaultVal()).isEqualTo("EUR");

        // v2 is a BACKWARD-compatible successor of v1, as the registry would have required
        assertThat(c.testCompatibility("orders-value", "1", v2).join().compatible())
                .isTrue();
        assertThat(c.globalCompatibility().join()).isEqualTo("BACKWARD");
    }

    @Test
    void shippedContractsTranslateEveryGeneratedRecordBothWays() {
        EmbeddedRegistry r = start(SHIPPED_CONTRACTS);
        // Schemas are read through the REST API, as the proxy reads them
        TranslatorCache cache =
                TranslatorCache.builder(new CachingSchemaRegistry(client(r))).build();
        Map<Integer, TranslatorChain.Version> versions = new HashMap<>();
        for (int v : List.of(1, 2)) {
            versions.put(v, cache.version("orders-value", v).join());
        }
        StepCatalog catalog = Files.isDirectory(SHIPPED_TRANSLATORS)
                ? StepCatalog.builder().directory(SHIPPED_TRANSLATORS).build()
                : StepCatalog.empty();

        VerificationReport report = Verifier.verify("orders-value", List.of(1, 2), versions, catalog, 300, 7);

        assertThat(report.failures()).as(report.toText()).isEmpty();
        assertThat(report.checked())
                .extracting(VerificationReport.Checked::translation)
                .containsExactlyInAnyOrder("v1 -> v2", "v2 -> v1");
    }

    // ---- every endpoint through the real client ----

    @Test
    void everyReadEndpointAnswersInConfluentShapes() throws Exception {
        EmbeddedRegistry r = start(folder(Map.of(
                "orders-value/v1.avsc",
                ORDER_V1,
                "orders-value/v2.avsc",
                ORDER_V2,
                "payments-value/v1.avsc",
                PAYMENT)));
        RegistryClient c = client(r);

        assertThat(c.subjects().join()).containsExactly("orders-value", "payments-value");
        assertThat(c.versions("orders-value").join()).containsExactly(1, 2);
        RegisteredSchema v2 = c.version("orders-value", 2).join();
        assertThat(v2.id()).isEqualTo(2);
        assertThat(v2.subject()).isEqualTo("orders-value");
        assertThat(new Schema.Parser().parse(v2.schema())).isEqualTo(new Schema.Parser().parse(ORDER_V2));
        assertThat(c.latest("orders-value").join().version()).isEqualTo(2);
        assertThat(c.schemaById(3).join().schema()).contains("Payment");
        assertThat(c.globalCompatibility().join()).isEqualTo("BACKWARD");

        HttpResponse<String> byId = http(r, "GET", "/schemas/ids/2/versions", null, null);
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(byId.headers().firstValue("Content-Type")).hasValue(EmbeddedRegistry.CONTENT_TYPE);
        assertThat(byId.body()).isEqualTo("[{\"subject\":\"orders-value\",\"version\":2}]");
        assertThat(http(r, "GET", "/schemas/ids/2/subjects", null, null).body()).isEqualTo("[\"orders-value\"]");
        HttpResponse<String> bare = http(r, "GET", "/subjects/orders-value/versions/latest/schema", null, null);
        assertThat(new Schema.Parser().parse(bare.body())).isEqualTo(new Schema.Parser().parse(ORDER_V2));
        assertThat(http(r, "GET", "/schemas/ids/1", null, null).body())
                .startsWith("{\"schema\":\"{\\\"type\\\":\\\"record\\\"")
                .doesNotContain("schemaType");
        assertThat(http(r, "GET", "/subjects/orders-value/versions/-1", null, null)
                        .body())
                .startsWith("{\"subject\":\"orders-value\",\"version\":2,\"id\":2,\"schema\":");
    }

    @Test
    void registeredSchemaIsFoundByLookupAndReRegisteringReturnsTheSameId() {
        EmbeddedRegistry r = start(SHIPPED_CONTRACTS);
        RegistryClient c = client(r);
        String v2 = c.version("orders-value", 2).join().schema();
        int end = v2.lastIndexOf("]}");
        String v3 = v2.substring(0, end) + ",{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}"
                + v2.substring(end);

        int id = c.register("orders-value", avro(v3)).join();

        assertThat(id).isEqualTo(3);
        assertThat(c.versions("orders-value").join()).containsExactly(1, 2, 3);
        RegisteredSchema found = c.lookup("orders-value", avro(v3)).join();
        assertThat(found.id()).isEqualTo(3);
        assertThat(found.version()).isEqualTo(3);
        // identical schema (whitespace aside): same id, no new version
        assertThat(c.register("orders-value", avro(v3.replace("\"fields\":[", "\"fields\" : [\n  ")))
                        .join())
                .isEqualTo(3);
        assertThat(c.register("orders-value", avro(v2)).join()).isEqualTo(2);
        assertThat(c.versions("orders-value").join()).containsExactly(1, 2, 3);
        // a lookup of a version that exists
        assertThat(c.lookup("orders-value", avro(v2)).join().version()).isEqualTo(2);
        // in memory only: the shipped folder still has two versions
        assertThat(SHIPPED_CONTRACTS.resolve("orders-value/v3.avsc")).doesNotExist();
    }

    @Test
    void idsAreGlobalAcrossSubjects() throws Exception {
        // the same schema in two subjects (whitespace differs) and a third subject in between
        EmbeddedRegistry r = start(folder(Map.of(
                "a-value/v1.avsc",
                ORDER_V1,
                "b-value/v1.avsc",
                PAYMENT,
                "c-value/v1.avsc",
                ORDER_V1.replace("\n", " ").replace(":", " : "))));
        RegistryClient c = client(r);

        assertThat(c.version("a-value", 1).join().id()).isEqualTo(1);
        assertThat(c.version("b-value", 1).join().id()).isEqualTo(2);
        assertThat(c.version("c-value", 1).join().id()).isEqualTo(1);
        assertThat(http(r, "GET", "/schemas/ids/1/versions", null, null).body())
                .isEqualTo("[{\"subject\":\"a-value\",\"version\":1},{\"subject\":\"c-value\",\"version\":1}]");

        // registering a known schema under a new subject reuses its id; a new schema gets a new one
        assertThat(c.register("d-value", avro(PAYMENT)).join()).isEqualTo(2);
        assertThat(c.version("d-value", 1).join().id()).isEqualTo(2);
        assertThat(c.register("e-value", avro(ORDER_V1.replace("Order", "Other")))
                        .join())
                .isEqualTo(3);
        assertThat(c.subjects().join()).containsExactly("a-value", "b-value", "c-value", "d-value", "e-value");
    }

    @Test
    void concurrentRegistrationsOfOneSchemaGetOneId() throws Exception {
        EmbeddedRegistry r = start(folder(Map.of()));
        RegistryClient c = client(r);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        open.add(pool::shutdownNow);
        Set<Integer> ids = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            String subject = "s" + (i % 8) + "-value";
            all.add(CompletableFuture.runAsync(
                    () -> ids.add(c.register(subject, avro(PAYMENT)).join()), pool));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();

        assertThat(ids).containsExactly(1);
        assertThat(c.subjects().join()).hasSize(8);
        assertThat(c.versions("s0-value").join()).containsExactly(1);
    }

    @Test
    void compatibilityChecksFollowTheSubjectLevel() throws Exception {
        EmbeddedRegistry r = start(folder(Map.of("orders-value/v1.avsc", ORDER_V1)));
        RegistryClient c = client(r);
        // a new field without default: readers of the new schema cannot read v1 records
        String noDefault = ORDER_V2.replace(",\"default\":\"EUR\"", "");

        CompatibilityResult bad =
                c.testCompatibility("orders-value", "latest", avro(noDefault)).join();
        assertThat(bad.compatible()).isFalse();
        assertThat(bad.messages())
                .anySatisfy(m -> assertThat(m)
                        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                        .contains("currency")
                        .contains("BACKWARD"));
        assertThat(c.testCompatibility("orders-value", "1", avro(ORDER_V2))
                        .join()
                        .compatible())
                .isTrue();
        assertThat(http(
                                r,
                                "POST",
                                "/compatibility/subjects/orders-value/versions",
                                "application/json",
                                "{\"schema\":" + quote(noDefault) + "}")
                        .body())
                .isEqualTo("{\"is_compatible\":false}");

        RegistryException refused = failure(() -> c.register("orders-value", avro(noDefault)));
        assertThat(refused.httpStatus()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo(409);
        assertThat(refused.registryMessage()).contains("incompatible").contains("orders-value");
        assertThat(c.versions("orders-value").join()).containsExactly(1);

        // a subject's own level wins over the global one
        assertThat(failure(() -> c.subjectCompatibility("orders-value")).errorCode())
                .isEqualTo(40408);
        HttpResponse<String> put = http(
                r,
                "PUT",
                "/config/orders-value",
                "application/vnd.schemaregistry.v1+json",
                "{\"compatibility\":\"NONE\"}");
        assertThat(put.body()).isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(c.subjectCompatibility("orders-value").join()).isEqualTo("NONE");
        assertThat(c.globalCompatibility().join()).isEqualTo("BACKWARD");
        assertThat(c.register("orders-value", avro(noDefault)).join()).isEqualTo(2);
        assertThat(http(r, "GET", "/config/other-value?defaultToGlobal=true", null, null)
                        .body())
                .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(http(r, "PUT", "/config", "application/json", "{\"compatibility\":\"SIDEWAYS\"}")
                        .body())
                .contains("42203");
    }

    // ---- errors ----

    @Test
    void unknownSubjectVersionAndIdGetConfluentErrorCodes() {
        EmbeddedRegistry r = start(SHIPPED_CONTRACTS);
        RegistryClient c = client(r);

        RegistryException noSubject = failure(() -> c.versions("nope-value"));
        assertThat(noSubject.httpStatus()).isEqualTo(404);
        assertThat(noSubject.errorCode()).isEqualTo(RegistryException.SUBJECT_NOT_FOUND);
        assertThat(noSubject.registryMessage()).contains("nope-value");
        assertThat(failure(() -> c.version("nope-value", 1)).errorCode()).isEqualTo(40401);
        assertThat(failure(() -> c.latest("nope-value")).errorCode()).isEqualTo(40401);
        assertThat(failure(() -> c.lookup("nope-value", avro(PAYMENT))).errorCode())
                .isEqualTo(40401);
        assertThat(failure(() -> c.testCompatibility("nope-value", "1", avro(PAYMENT)))
                        .errorCode())
                .isEqualTo(40401);

        RegistryException noVersion = failure(() -> c.version("orders-value", 9));
        assertThat(noVersion.httpStatus()).isEqualTo(404);
        assertThat(noVersion.errorCode()).isEqualTo(RegistryException.VERSION_NOT_FOUND);
        assertThat(failure(() -> c.testCompatibility("orders-value", "9", avro(PAYMENT)))
                        .errorCode())
                .isEqualTo(40402);

        RegistryException noId = failure(() -> c.schemaById(999));
        assertThat(noId.httpStatus()).isEqualTo(404);
        assertThat(noId.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
        assertThat(noId.isNotFound()).isTrue();

        RegistryException notThere = failure(() -> c.lookup("orders-value", avro(PAYMENT)));
        assertThat(notThere.errorCode()).isEqualTo(40403);
    }

    @Test
    void invalidSchemasVersionsAndRequestsAreRefusedWithTheirCodes() throws Exception {
        EmbeddedRegistry r = start(SHIPPED_CONTRACTS);
        RegistryClient c = client(r);

        RegistryException invalid = failure(() -> c.register("orders-value", avro("{\"type\":\"recrod\"}")));
        assertThat(invalid.httpStatus()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(RegistryException.INVALID_SCHEMA);
        assertThat(failure(() -> c.register(
                                "x-value",
                                avro("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\""
                                        + ":\"n\",\"type\":\"int\",\"default\":\"text\"}]}")))
                        .errorCode())
                .isEqualTo(42201);
        assertThat(failure(() -> c.testCompatibility("orders-value", "latest", avro("not json")))
                        .errorCode())
                .isEqualTo(42201);
        assertThat(failure(() -> c.register(
                                "x-value", new RegisteredSchema(-1, null, -1, "JSON", "{}", List.of(), null, null)))
                        .errorCode())
                .isEqualTo(42201);
        assertThat(failure(() -> c.register(
                                "x-value",
                                new RegisteredSchema(
                                        -1,
                                        null,
                                        -1,
                                        "AVRO",
                                        PAYMENT,
                                        List.of(new SchemaReference("t.Missing", "missing-value", 1)),
                                        null,
                                        null)))
                        .errorCode())
                .isEqualTo(42201);

        assertThat(http(r, "GET", "/subjects/orders-value/versions/0", null, null)
                        .body())
                .contains("42202");
        assertThat(http(r, "GET", "/subjects/orders-value/versions/two", null, null)
                        .statusCode())
                .isEqualTo(422);
        HttpResponse<String> text =
                http(r, "POST", "/subjects/orders-value/versions", "text/plain", "{\"schema\":" + quote(PAYMENT) + "}");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(text.body()).startsWith("{\"error_code\":415,");
        assertThat(http(r, "POST", "/subjects/orders-value", "application/json", "{oops")
                        .statusCode())
                .isEqualTo(400);
        assertThat(http(r, "DELETE", "/subjects/orders-value", null, null).statusCode())
                .isEqualTo(405);
        HttpResponse<String> unknown = http(r, "GET", "/nowhere", null, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
        assertThat(http(r, "GET", "/schemas/ids/abc", null, null).statusCode()).isEqualTo(404);
    }

    // ---- references, folder errors, lifecycle ----

    @Test
    void referencesToOtherSubjectsAreResolved() throws Exception {
        EmbeddedRegistry r = start(folder(Map.of("money/v1.avsc", """
                {"type":"record","name":"Money","namespace":"t","fields":[{"name":"cents","type":"long"}]}""")));
        RegistryClient c = client(r);
        String invoice = """
                {"type":"record","name":"Invoice","namespace":"t","fields":[{"name":"total","type":"t.Money"}]}""";
        RegisteredSchema withRef = new RegisteredSchema(
                -1, null, -1, "AVRO", invoice, List.of(new SchemaReference("t.Money", "money", 1)), null, null);

        int id = c.register("invoices-value", withRef).join();

        RegisteredSchema back = c.version("invoices-value", 1).join();
        assertThat(back.id()).isEqualTo(id);
        assertThat(back.references()).containsExactly(new SchemaReference("t.Money", "money", 1));
        // the referenced type stays a name (relative to the namespace), it is not inlined
        assertThat(back.schema()).contains("\"type\":\"Money\"").doesNotContain("cents");
        assertThat(c.lookup("invoices-value", withRef).join().id()).isEqualTo(id);
    }

    @Test
    void aFolderThatCannotBeServedIsReportedByName() throws Exception {
        assertThatThrownBy(() -> EmbeddedRegistry.start(tmp.resolve("absent")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absent")
                .hasMessageContaining("does not exist");
        Path broken = folder(Map.of("orders-value/v1.avsc", ORDER_V1, "orders-value/v2.avsc", "{\"type\":\"record\"}"));
        assertThatThrownBy(() -> EmbeddedRegistry.start(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-value")
                .hasMessageContaining("version 2")
                .hasMessageContaining("v2.avsc");
    }

    @Test
    void closeStopsListening() throws Exception {
        EmbeddedRegistry r = EmbeddedRegistry.start(SHIPPED_CONTRACTS);
        RegistryClient c = client(r);
        assertThat(c.subjects().join()).isNotEmpty();

        r.close();
        r.close(); // idempotent

        RegistryException down = failure(c::subjects);
        assertThat(down.httpStatus()).isZero();
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
