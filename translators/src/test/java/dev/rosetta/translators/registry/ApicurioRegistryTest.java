package dev.rosetta.translators.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.Translator;
import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.chain.StepCatalog;
import dev.rosetta.translators.testing.ApicurioRegistry;
import dev.rosetta.translators.testing.AvroSupport;
import dev.rosetta.translators.wire.WireFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rosetta's registry client, caches and translator compilation against a real Apicurio Registry
 * 3.3.3 serving the Confluent API ({@code /apis/ccompat/v7}): a registry nobody on the team wrote.
 * Each test uses its own subjects, so they do not depend on their order.
 */
class ApicurioRegistryTest {
    private static final Path CONTRACTS = Path.of("..", "config", "examples", "contracts", "orders-value");
    private static final Path TRANSLATORS = Path.of("..", "config", "examples", "translators");
    private static final String FILLER =
            "{\"type\":\"record\",\"name\":\"Filler\",\"fields\":[{\"name\":\"x\",\"type\":\"long\"}]}";

    @RegisterExtension
    static final ApicurioRegistry APICURIO = new ApicurioRegistry();

    static String contract(String file) {
        try {
            return Files.readString(CONTRACTS.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RegistryClient client() {
        return new RegistryClient(RegistryClientConfig.builder(APICURIO.ccompatUrl())
                .retries(1, Duration.ofMillis(20), Duration.ofMillis(50))
                .build());
    }

    static RegistryException registryError(CompletableFuture<?> call) {
        Throwable t = assertThatThrownBy(call::join)
                .isInstanceOf(CompletionException.class)
                .actual();
        assertThat(t.getCause()).isInstanceOf(RegistryException.class);
        return (RegistryException) t.getCause();
    }

    /** The example contract registered as v1, an unrelated schema, then v2: ids are Apicurio's, not 1 and 2. */
    record Registered(String subject, int v1Id, int v2Id) {}

    static Registered registerOrders(RegistryClient client, String subject) {
        int v1Id = client.register(subject, RegisteredSchema.avro(-1, contract("v1.avsc")))
                .join();
        client.register(subject + "-filler", RegisteredSchema.avro(-1, FILLER)).join();
        int v2Id = client.register(subject, RegisteredSchema.avro(-1, contract("v2.avsc")))
                .join();
        return new Registered(subject, v1Id, v2Id);
    }

    @Test
    void registersTwoVersionsAndReadsThemBackByIdVersionLatestAndLookup() {
        RegistryClient client = client();
        Registered r = registerOrders(client, "orders-value");
        assertThat(r.v2Id()).isNotEqualTo(r.v1Id());
        // registering the same schema again is idempotent: same id, no new version
        assertThat(client.register("orders-value", RegisteredSchema.avro(-1, contract("v1.avsc")))
                        .join())
                .isEqualTo(r.v1Id());

        RegisteredSchema byId = client.schemaById(r.v1Id()).join();
        // Apicurio answers with a normalised (compact) text: equal as a schema, not as a string
        assertThat(byId.schema()).isNotEqualTo(contract("v1.avsc"));
        assertThat(parse(byId.schema())).isEqualTo(parse(contract("v1.avsc")));
        assertThat(byId.isAvro()).isTrue();
        assertThat(byId.id()).isEqualTo(r.v1Id());

        assertThat(client.versions("orders-value").join()).containsExactly(1, 2);
        RegisteredSchema v1 = client.version("orders-value", 1).join();
        RegisteredSchema v2 = client.version("orders-value", 2).join();
        assertThat(v1.id()).isEqualTo(r.v1Id());
        assertThat(v2.id()).isEqualTo(r.v2Id());
        assertThat(parse(v2.schema())).isEqualTo(parse(contract("v2.avsc")));
        assertThat(parse(v2.schema()).getField("amountCents").aliases()).containsExactly("amount");
        RegisteredSchema latest = client.latest("orders-value").join();
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(r.v2Id());

        // POST /subjects/{s} finds a schema by its text, the normalised text included (the caches do that)
        RegisteredSchema found = client.lookup("orders-value", byId).join();
        assertThat(found.id()).isEqualTo(r.v1Id());
        assertThat(found.version()).isEqualTo(1);
        assertThat(client.subjects().join()).contains("orders-value", "orders-value-filler");
    }

    @Test
    void everyPostCarriesAJsonContentTypeWhichApicurioRequires() {
        String body = "{\"schema\":" + RegistryClient.JSON.valueToTree(FILLER) + "}";
        var withoutContentType = APICURIO.exchange(
                HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString(body)),
                "/subjects/content-type/versions");
        assertThat(withoutContentType.statusCode()).isEqualTo(415);

        RegistryClient client = client();
        int id = client.register("content-type", RegisteredSchema.avro(-1, FILLER))
                .join();
        assertThat(client.lookup("content-type", RegisteredSchema.avro(-1, FILLER))
                        .join()
                        .id())
                .isEqualTo(id);
        assertThat(client.testCompatibility("content-type", "latest", RegisteredSchema.avro(-1, FILLER))
                        .join()
                        .compatible())
                .isTrue();
    }

    @Test
    void cachingRegistryAnswersFromApicurioThenFromMemory() {
        Registered r = registerOrders(client(), "cached-value");
        CachingSchemaRegistry registry = new CachingSchemaRegistry(client());
        assertThat(registry.cachedSchemaById(r.v2Id())).isEmpty();
        assertThat(registry.schemaById(r.v2Id()).join().id()).isEqualTo(r.v2Id());
        assertThat(registry.cachedSchemaById(r.v2Id())).isPresent();
        assertThat(registry.versions("cached-value").join()).containsExactly(1, 2);
        assertThat(registry.version("cached-value", 1).join().id()).isEqualTo(r.v1Id());
        assertThat(registry.cachedVersion("cached-value", 1)).isPresent();
        assertThat(registry.latest("cached-value").join().id()).isEqualTo(r.v2Id());
        // id -> version goes through GET /schemas/ids (normalised text) then POST /subjects/{s}
        assertThat(registry.versionOf("cached-value", r.v1Id()).join()).isEqualTo(1);
        assertThat(registry.versionOf("cached-value", r.v2Id()).join()).isEqualTo(2);
        assertThat(registry.health().up()).isTrue();
    }

    @Test
    void compatibilityChecksFollowTheSubjectLevelAndGlobalConfigIsReadable() {
        RegistryClient client = client();
        registerOrders(client, "compat-value");
        // Apicurio's default level is NONE (Confluent's is BACKWARD)
        assertThat(client.globalCompatibility().join()).isEqualTo("NONE");
        APICURIO.compatibility("compat-value", "BACKWARD");
        assertThat(client.subjectCompatibility("compat-value").join()).isEqualTo("BACKWARD");

        String v3 = withField(
                contract("v2.avsc"), "note", f -> f.put("type", "string").put("default", ""));
        CompatibilityResult added = client.testCompatibility("compat-value", "latest", RegisteredSchema.avro(-1, v3))
                .join();
        assertThat(added.compatible()).isTrue();
        assertThat(added.messages()).isEmpty();

        String breaking = withField(contract("v2.avsc"), "amountCents", f -> f.put("type", "string"));
        CompatibilityResult broken = client.testCompatibility(
                        "compat-value", "latest", RegisteredSchema.avro(-1, breaking))
                .join();
        assertThat(broken.compatible()).isFalse();
        // v2 reads v1 records (alias + default): backward compatible with version 1 too
        assertThat(client.testCompatibility("compat-value", "1", RegisteredSchema.avro(-1, contract("v2.avsc")))
                        .join()
                        .compatible())
                .isTrue();

        RegistryException rejected =
                registryError(client.register("compat-value", RegisteredSchema.avro(-1, breaking)));
        assertThat(rejected.httpStatus()).isEqualTo(409);
        assertThat(rejected.isRetryable()).isFalse();
    }

    @Test
    void unknownSubjectsVersionsAndIdsAreTypedNotFoundErrors() {
        RegistryClient client = client();
        Registered r = registerOrders(client, "errors-value");

        RegistryException noSubject = registryError(client.versions("no-such-subject"));
        assertThat(noSubject.errorCode()).isEqualTo(RegistryException.SUBJECT_NOT_FOUND);
        assertThat(noSubject.isNotFound()).isTrue();
        assertThat(noSubject.getMessage())
                .contains("/subjects/no-such-subject/versions")
                .contains("40401");
        assertThat(registryError(client.latest("no-such-subject")).errorCode())
                .isEqualTo(RegistryException.SUBJECT_NOT_FOUND);

        int unknownId = Math.max(r.v1Id(), r.v2Id()) + 10_000;
        RegistryException noSchema = registryError(client.schemaById(unknownId));
        assertThat(noSchema.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
        assertThat(noSchema.httpStatus()).isEqualTo(404);
        assertThat(noSchema.isRetryable()).isFalse();

        assertThat(registryError(client.version("errors-value", 99)).errorCode())
                .isEqualTo(RegistryException.VERSION_NOT_FOUND);
        assertThat(registryError(client.lookup("errors-value", RegisteredSchema.avro(-1, FILLER)))
                        .errorCode())
                .isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
        assertThat(registryError(client.register("errors-value", RegisteredSchema.avro(-1, "{\"type\":\"strin")))
                        .errorCode())
                .isEqualTo(RegistryException.INVALID_SCHEMA);

        // through the caches and the translator compiler: the same code, then a typed translation failure
        CachingSchemaRegistry cached = new CachingSchemaRegistry(client);
        assertThat(registryError(cached.schemaById(unknownId)).errorCode())
                .isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
        TranslatorCache translators = TranslatorCache.builder(cached).build();
        assertThatThrownBy(() ->
                        translators.translator("errors-value", unknownId, 2).join())
                .cause()
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(TranslationException.Reason.UNKNOWN_SCHEMA);
                    assertThat(e.getMessage()).contains(String.valueOf(unknownId));
                });
        assertThat(client.health().up()).isTrue(); // 404s mean the registry answered
    }

    @Test
    void translatorsCompiledFromApicurioSchemasUpcastAndDowncastARecord() {
        Registered r = registerOrders(client(), "translate-value");
        TranslatorCache translators = TranslatorCache.builder(new CachingSchemaRegistry(client()))
                .catalog(StepCatalog.builder()
                        .file(
                                "translate-value",
                                1,
                                2,
                                TRANSLATORS.resolve("orders-value").resolve("1-2.yaml"))
                        .build())
                .build();
        Schema v1 = parse(contract("v1.avsc"));
        Schema v2 = parse(contract("v2.avsc"));

        GenericRecord order = new GenericData.Record(v1);
        order.put("id", "o-1");
        order.put("customer", "c-7");
        order.put("amount", 1250);
        byte[] v1Payload = WireFormat.encode(r.v1Id(), AvroSupport.encode(v1, order));

        Translator up = translators.translator("translate-value", r.v1Id(), 2).join();
        assertThat(up.sourceVersion()).isEqualTo(1);
        assertThat(up.targetId()).isEqualTo(r.v2Id());
        byte[] v2Payload = up.translate(v1Payload);
        assertThat(WireFormat.schemaId(v2Payload)).isEqualTo(r.v2Id());
        GenericRecord upcast = (GenericRecord) AvroSupport.decode(v2, v2, body(v2Payload));
        assertThat(upcast.get("id").toString()).isEqualTo("o-1");
        assertThat(upcast.get("amountCents")).isEqualTo(1250);
        assertThat(upcast.get("currency").toString()).isEqualTo("EUR");

        Translator down = translators.translator("translate-value", r.v2Id(), 1).join();
        assertThat(down.targetId()).isEqualTo(r.v1Id());
        byte[] back = down.translate(v2Payload);
        assertThat(WireFormat.schemaId(back)).isEqualTo(r.v1Id());
        assertThat(back).isEqualTo(v1Payload);
        // and compiled once: the next ask for the pair never waits on Apicurio
        assertThat(translators.cachedOrNull("translate-value", r.v2Id(), 1)).isSameAs(down);
    }

    /** {@code schema} with field {@code name} added or changed by {@code edit}. */
    static String withField(String schema, String name, Consumer<ObjectNode> edit) {
        try {
            ObjectNode root = (ObjectNode) RegistryClient.JSON.readTree(schema);
            ArrayNode fields = (ArrayNode) root.get("fields");
            ObjectNode field = null;
            for (var f : fields) {
                if (name.equals(f.path("name").asText())) {
                    field = (ObjectNode) f;
                }
            }
            if (field == null) {
                field = fields.addObject().put("name", name);
            }
            edit.accept(field);
            return root.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    static byte[] body(byte[] framed) {
        return Arrays.copyOfRange(framed, WireFormat.HEADER_SIZE, framed.length);
    }
}
