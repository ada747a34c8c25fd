package dev.rosetta.translators.chain;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;
import dev.rosetta.translators.Translator;
import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.ops.AvroTree;
import dev.rosetta.translators.ops.Operations;
import dev.rosetta.translators.registry.RegisteredSchema;
import dev.rosetta.translators.registry.StaticSchemaRegistry;
import dev.rosetta.translators.step.StepKey;
import dev.rosetta.translators.wire.WireFormat;

import static dev.rosetta.translators.testing.AvroSupport.decode;
import static dev.rosetta.translators.testing.AvroSupport.encode;
import static dev.rosetta.translators.testing.AvroSupport.parse;
import static dev.rosetta.translators.testing.Resources.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class TranslationChainTest {
    static final String ORDERS = "orders-value";
    final StaticSchemaRegistry registry = StaticSchemaRegistry.loadDirectory(path("schemas"));
    final StepCatalog catalog = StepCatalog.builder()
            .directory(path("translators"))
            .serviceLoader(getClass().getClassLoader())
            .build();
    final TranslatorCache cache =
            TranslatorCache.builder(registry).catalog(catalog).build();

    Schema schema(String subject, int version) {
        return parse(registry.cachedVersion(subject, version).orElseThrow().schema());
    }

    int id(String subject, int version) {
        return registry.cachedVersion(subject, version).orElseThrow().id();
    }

    byte[] v1Order(long cents) {
        Schema v1 = schema(ORDERS, 1);
        GenericRecord r = new GenericData.Record(v1);
        r.put("id", 7L);
        r.put("customer_name", "Ann");
        r.put("full_address", "Main St 1, Berlin");
        r.put("amount_cents", cents);
        r.put("status", new GenericData.EnumSymbol(v1.getField("status").schema(), "NEW"));
        r.put("created_millis", 1_700_000_000_123L);
        Schema line = v1.getField("lines").schema().getElementType();
        GenericRecord l1 = new GenericData.Record(line);
        l1.put("sku", "a");
        l1.put("qty", 2);
        GenericRecord l2 = new GenericData.Record(line);
        l2.put("sku", "b");
        l2.put("qty", 3);
        r.put("lines", List.of(l1, l2));
        return WireFormat.encode(id(ORDERS, 1), encode(v1, r));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> tree(String subject, int version, byte[] payload) {
        Schema s = schema(subject, version);
        assertThat(WireFormat.schemaId(payload)).isEqualTo(id(subject, version));
        Object v = decode(s, s, Arrays.copyOfRange(payload, 5, payload.length));
        return (Map<String, Object>) AvroTree.toTree(v, s);
    }

    @Test
    void upcastAppliesEveryOperationOfTheYamlStep() {
        Translator t = cache.translator(ORDERS, id(ORDERS, 1), 2).join();
        assertThat(t.path()).containsExactly(1, 2);
        Map<String, Object> v2 = tree(ORDERS, 2, t.translate(v1Order(1999)));
        assertThat(v2.get("customerName")).isEqualTo("Ann");
        assertThat(v2.get("address")).isEqualTo(Map.of("street", "Main St 1", "city", "Berlin"));
        assertThat(v2.get("amount")).isEqualTo(new BigDecimal("19.99"));
        assertThat(v2.get("status")).isEqualTo("CREATED");
        assertThat(v2.get("created")).isEqualTo(1_700_000_000_123_000L);
        assertThat(v2.get("channel")).isEqualTo("web");
        assertThat(v2.get("lines")).asList().hasSize(2);
    }

    @Test
    void downcastRestoresTheOriginalBytes() {
        byte[] original = v1Order(1999);
        byte[] v2 = cache.translator(ORDERS, id(ORDERS, 1), 2).join().translate(original);
        byte[] back = cache.translator(ORDERS, id(ORDERS, 2), 1).join().translate(v2);
        assertThat(back).isEqualTo(original);
    }

    @Test
    void chainsComposeUpAndDownThroughEveryVersion() {
        byte[] original = v1Order(1999);
        Translator up = cache.translator(ORDERS, id(ORDERS, 1), 3).join();
        assertThat(up.path()).containsExactly(1, 2, 3);
        Map<String, Object> v3 = tree(ORDERS, 3, up.translate(original));
        assertThat(v3.get("itemCount")).isEqualTo(5); // JSONata $sum(lines.qty)
        assertThat(v3.get("source")).isEqualTo("rosetta"); // set
        assertThat(v3.get("tags")).asList().isEmpty(); // v3 default
        assertThat(v3.get("amount")).isEqualTo(new BigDecimal("19.99"));

        Translator down = cache.translator(ORDERS, id(ORDERS, 3), 1).join();
        assertThat(down.path()).containsExactly(3, 2, 1);
        assertThat(down.translate(up.translate(original))).isEqualTo(original);
    }

    @Test
    void declaredDirectPairWinsOverTheChain() {
        StepCatalog withDirect = StepCatalog.builder()
                .directory(path("translators"))
                .declare(new StepCatalog.Declared(
                        new StepKey(ORDERS, 1, 3),
                        List.of(
                                op("{\"rename\":{\"from\":\"customer_name\",\"to\":\"customerName\"}}"),
                                op(
                                        "{\"split\":{\"from\":\"full_address\",\"into\":[\"address.street\",\"address.city\"],"
                                                + "\"separator\":\", \"}}"),
                                op("{\"move\":{\"from\":\"amount_cents\",\"to\":\"amount\"}}"),
                                op("{\"convert\":{\"field\":\"amount\",\"using\":\"cents-to-decimal\"}}"),
                                op("{\"mapEnum\":{\"field\":\"status\",\"mapping\":{\"NEW\":\"CREATED\"}}}"),
                                op("{\"move\":{\"from\":\"created_millis\",\"to\":\"created\"}}"),
                                op("{\"convert\":{\"field\":\"created\",\"using\":\"millis-to-micros\"}}"),
                                op("{\"set\":{\"field\":\"itemCount\",\"value\":-1}}"),
                                op("{\"set\":{\"field\":\"source\",\"value\":\"direct\"}}")),
                        false,
                        "test"))
                .build();
        TranslatorCache direct =
                TranslatorCache.builder(registry).catalog(withDirect).build();
        Translator t = direct.translator(ORDERS, id(ORDERS, 1), 3).join();
        assertThat(t.path()).containsExactly(1, 3);
        Map<String, Object> v3 = tree(ORDERS, 3, t.translate(v1Order(5)));
        assertThat(v3.get("source")).isEqualTo("direct");
        assertThat(v3.get("itemCount")).isEqualTo(-1);
    }

    static dev.rosetta.translators.ops.Operation op(String json) {
        try {
            return Operations.parse(new ObjectMapper().readTree(json), Duration.ofMillis(100), 100);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void plainResolutionLinksMergeIntoOneDirectPass() {
        StaticSchemaRegistry reg = new StaticSchemaRegistry();
        String base = "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}";
        int v1 = reg.register("plain", base + "]}");
        reg.register("plain", base + ",{\"name\":\"b\",\"type\":\"string\",\"default\":\"x\"}]}");
        reg.register(
                "plain",
                base + ",{\"name\":\"b\",\"type\":\"string\",\"default\":\"x\"},"
                        + "{\"name\":\"c\",\"type\":\"long\",\"default\":3}]}");
        Translator t =
                TranslatorCache.builder(reg).build().translator("plain", v1, 3).join();
        assertThat(t.path()).containsExactly(1, 2, 3);
        assertThat(t.steps()).hasSize(1);
        assertThat(t.steps().get(0).description()).isEqualTo("resolution v1 -> v3");
        byte[] out = t.translate(WireFormat.encode(v1, new byte[] {0x54})); // a = 42
        assertThat(Arrays.copyOfRange(out, 5, out.length)).containsExactly(0x54, 2, 'x', 6);
    }

    @Test
    void ruleFailureIsTypedWithFieldPathAndWritesNothing() {
        Translator t = cache.translator(ORDERS, id(ORDERS, 1), 2).join();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        byte[] tooBig = v1Order(Long.MAX_VALUE); // does not fit decimal(12, 2)
        assertThatThrownBy(() -> t.translate(tooBig, 0, tooBig.length, sink::write))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.RULE_FAILED);
                    assertThat(e.fieldPath()).isEqualTo("amount");
                    assertThat(e.subject()).isEqualTo(ORDERS);
                    assertThat(e.sourceId()).isEqualTo(id(ORDERS, 1));
                    assertThat(e.targetId()).isEqualTo(id(ORDERS, 2));
                })
                .hasMessageContaining("precision 12");
        assertThat(sink.size()).isZero();
    }

    @Test
    void wrongIdCorruptBodyAndWrongMagicAreTypedFailures() {
        Translator t = cache.translator(ORDERS, id(ORDERS, 1), 2).join();
        byte[] v1 = v1Order(1);
        byte[] otherId = v1.clone();
        WireFormat.writeHeader(otherId, 0, 999);
        assertThatThrownBy(() -> t.translate(otherId))
                .isInstanceOfSatisfying(
                        TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA));
        byte[] cut = Arrays.copyOf(v1, 12);
        assertThatThrownBy(() -> t.translate(cut))
                .isInstanceOfSatisfying(
                        TranslationException.class,
                        e -> assertThat(e.reason()).isIn(Reason.SHORT_PAYLOAD, Reason.CORRUPT_PAYLOAD));
        byte[] magic = v1.clone();
        magic[0] = 1;
        assertThatThrownBy(() -> t.translate(magic))
                .isInstanceOfSatisfying(
                        TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_MAGIC));
    }

    @Test
    void eventLoopLookupNeverBlocksAndRemembersFailures() {
        TranslatorCache fresh =
                TranslatorCache.builder(registry).catalog(catalog).build();
        int src = id(ORDERS, 1);
        assertThat(fresh.cachedOrNull(ORDERS, src, 2)).isNull();
        await("translator compiled in the background")
                .atMost(Duration.ofSeconds(10))
                .until(() -> fresh.cachedOrNull(ORDERS, src, 2) != null);
        assertThat(fresh.cachedOrNull(ORDERS, src, 2).targetVersion()).isEqualTo(2);

        assertThat(fresh.cachedToSchemaOrNull(ORDERS, 4242, id(ORDERS, 2))).isNull();
        await("failure remembered").atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                return fresh.cachedToSchemaOrNull(ORDERS, 4242, id(ORDERS, 2)) != null;
            } catch (TranslationException e) {
                assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
                assertThat(e.getMessage()).contains("4242");
                return true;
            }
        });
        assertThatThrownBy(() -> fresh.translator(ORDERS, src, 9).join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA));
    }

    @Test
    void sameSchemaIdIsACopy() {
        byte[] v1 = v1Order(1);
        Translator t = cache.translator(ORDERS, id(ORDERS, 1), 1).join();
        assertThat(t.translate(v1)).isEqualTo(v1);
    }

    @Test
    void jsonataComputeIsBoundedInDepthAndTime() {
        StaticSchemaRegistry reg = new StaticSchemaRegistry();
        int v1 = reg.register(
                "calc", "{\"type\":\"record\",\"name\":\"C\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}");
        reg.register(
                "calc",
                "{\"type\":\"record\",\"name\":\"C\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"},"
                        + "{\"name\":\"r\",\"type\":\"long\"}]}");
        for (String expr : new String[] {
            "($f := function($x){ $f($x + 1) }; $f(n))", // endless recursion
            "($f := function($x){ $x > 0 ? $f($x - 1) + $f($x - 1) : 1 }; $f(n + 40))"
        }) { // 2^40 calls
            StepCatalog c = StepCatalog.builder()
                    .declare(new StepCatalog.Declared(
                            new StepKey("calc", 1, 2),
                            List.of(op("{\"compute\":{\"field\":\"r\",\"expression\":"
                                    + new ObjectMapper().valueToTree(expr) + ",\"timeoutMs\":200,\"maxDepth\":60}}")),
                            false,
                            "test"))
                    .build();
            Translator t = TranslatorCache.builder(reg)
                    .catalog(c)
                    .build()
                    .translator("calc", v1, 2)
                    .join();
            long start = System.nanoTime();
            assertThatThrownBy(() -> t.translate(WireFormat.encode(v1, new byte[] {2})))
                    .isInstanceOfSatisfying(TranslationException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.RULE_FAILED);
                        assertThat(e.fieldPath()).isEqualTo("r");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void confluentMigrationRulesFromTheRegistryApplyBothWays() throws Exception {
        StaticSchemaRegistry reg = new StaticSchemaRegistry();
        int v1 = reg.register(
                "people-value",
                "{\"type\":\"record\",\"name\":\"P\",\"fields\":["
                        + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"ssn\",\"type\":[\"null\",\"string\"]}]}");
        String ruleSet = "{\"migrationRules\":["
                + "{\"name\":\"renameSsn\",\"kind\":\"TRANSFORM\",\"type\":\"JSONATA\",\"mode\":\"UPGRADE\","
                + "\"expr\":\"$merge([$sift($, function($v, $k) {$k != 'ssn'}), {'socialSecurityNumber': $.'ssn'}])\"},"
                + "{\"name\":\"back\",\"kind\":\"TRANSFORM\",\"type\":\"JSONATA\",\"mode\":\"DOWNGRADE\","
                + "\"expr\":\"$merge([$sift($, function($v, $k) {$k != 'socialSecurityNumber'}), {'ssn': $.'socialSecurityNumber'}])\"},"
                + "{\"name\":\"off\",\"type\":\"CEL\",\"mode\":\"UPGRADE\",\"disabled\":true,\"expr\":\"x\"}]}";
        int v2 = reg.register(
                "people-value",
                new RegisteredSchema(
                        -1,
                        null,
                        -1,
                        "AVRO",
                        "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                                + "{\"name\":\"socialSecurityNumber\",\"type\":[\"null\",\"string\"]}]}",
                        List.of(),
                        null,
                        new ObjectMapper().readTree(ruleSet)));
        TranslatorCache c = TranslatorCache.builder(reg).build();
        Schema s1 = parse(reg.cachedSchemaById(v1).orElseThrow().schema());
        GenericRecord r = new GenericData.Record(s1);
        r.put("name", "Bo");
        r.put("ssn", "123-45");
        byte[] original = WireFormat.encode(v1, encode(s1, r));
        Translator up = c.translator("people-value", v1, 2).join();
        assertThat(up.steps().get(0).description()).contains("migration rules of v2 (UPGRADE)");
        byte[] upgraded = up.translate(original);
        Schema s2 = parse(reg.cachedSchemaById(v2).orElseThrow().schema());
        GenericRecord got = (GenericRecord) decode(s2, s2, Arrays.copyOfRange(upgraded, 5, upgraded.length));
        assertThat(got.get("socialSecurityNumber").toString()).isEqualTo("123-45");
        assertThat(c.translator("people-value", v2, 1).join().translate(upgraded))
                .isEqualTo(original);
    }

    @Test
    void customJavaTranslatorIsFoundWithServiceLoader() {
        StaticSchemaRegistry reg = new StaticSchemaRegistry();
        int v1 = reg.register(
                "names-value",
                "{\"type\":\"record\",\"name\":\"N\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}");
        reg.register(
                "names-value",
                "{\"type\":\"record\",\"name\":\"N\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                        + "{\"name\":\"shouted\",\"type\":\"boolean\"}]}");
        TranslatorCache c = TranslatorCache.builder(reg).catalog(catalog).build();
        Translator t = c.translator("names-value", v1, 2).join();
        byte[] out = t.translate(WireFormat.encode(v1, new byte[] {4, 'b', 'o'}));
        assertThat(Arrays.copyOfRange(out, 5, out.length)).containsExactly(4, 'B', 'O', 1);
        assertThatThrownBy(() -> t.translate(WireFormat.encode(v1, new byte[] {8, 'b', 'o', 'o', 'm'})))
                .isInstanceOfSatisfying(
                        TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.RULE_FAILED))
                .hasMessageContaining("cannot shout boom");
    }

    @Test
    void renameOnlyStepsRunOnTheBinaryPath() {
        StaticSchemaRegistry reg = new StaticSchemaRegistry();
        int v1 = reg.register(
                "r",
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"old_name\",\"type\":\"string\"},"
                        + "{\"name\":\"n\",\"type\":\"int\"}]}");
        reg.register(
                "r",
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"newName\",\"type\":\"string\"},"
                        + "{\"name\":\"n\",\"type\":\"int\"},{\"name\":\"extra\",\"type\":\"int\"}]}");
        StepCatalog c = StepCatalog.builder()
                .declare(new StepCatalog.Declared(
                        new StepKey("r", 1, 2),
                        List.of(
                                op("{\"rename\":{\"from\":\"old_name\",\"to\":\"newName\"}}"),
                                op("{\"add\":{\"field\":\"extra\",\"default\":9}}")),
                        true,
                        "test"))
                .build();
        Translator t = TranslatorCache.builder(reg)
                .catalog(c)
                .build()
                .translator("r", v1, 2)
                .join();
        assertThat(t.steps().get(0).description()).endsWith("(binary)");
        byte[] out = t.translate(WireFormat.encode(v1, new byte[] {2, 'x', 6}));
        assertThat(Arrays.copyOfRange(out, 5, out.length)).containsExactly(2, 'x', 6, 18);
    }

    @Test
    void yamlMistakesNameTheFileAndOperation(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("s"));
        Files.writeString(
                dir.resolve("s/1-2.yaml"), "upcast:\n  - rename: {from: a, to: b}\n  - explode: {field: x}\n");
        assertThatThrownBy(() -> StepCatalog.builder().directory(dir).build())
                .hasMessageContaining("1-2.yaml")
                .hasMessageContaining("upcast operation #2")
                .hasMessageContaining("unknown operation 'explode'");
        Files.writeString(dir.resolve("s/1-2.yaml"), "upcast:\n  - compute: {field: x, expression: \"(((\"}\n");
        assertThatThrownBy(() -> StepCatalog.builder().directory(dir).build()).hasMessageContaining("does not parse");
    }
}
