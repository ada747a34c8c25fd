package dev.rosetta.translators.verify;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.chain.StepCatalog;
import dev.rosetta.translators.chain.TranslatorChain;
import dev.rosetta.translators.compat.CompatibilityChecker;
import dev.rosetta.translators.compat.CompatibilityReport;
import dev.rosetta.translators.ops.Operations;
import dev.rosetta.translators.registry.StaticSchemaRegistry;
import dev.rosetta.translators.step.StepKey;

import static dev.rosetta.translators.testing.Resources.path;
import static org.assertj.core.api.Assertions.assertThat;

class SafetyToolsTest {
    static Map<Integer, TranslatorChain.Version> versions(StaticSchemaRegistry reg, String subject) {
        TranslatorCache cache = TranslatorCache.builder(reg).build();
        Map<Integer, TranslatorChain.Version> out = new HashMap<>();
        for (int v : reg.versions(subject).join()) {
            out.put(v, cache.version(subject, v).join());
        }
        return out;
    }

    static CompatibilityReport check(StaticSchemaRegistry reg, String subject, int a, int b, StepCatalog catalog) {
        Map<Integer, TranslatorChain.Version> vs = versions(reg, subject);
        return CompatibilityChecker.check(
                subject, vs.get(a), vs.get(b), reg.versions(subject).join(), vs, catalog);
    }

    static StepCatalog.Declared declared(String subject, int from, int to, boolean lossless, String... opsJson) {
        ObjectMapper m = new ObjectMapper();
        List<dev.rosetta.translators.ops.Operation> ops = new java.util.ArrayList<>();
        for (String j : opsJson) {
            try {
                ops.add(Operations.parse(m.readTree(j), Duration.ofMillis(100), 100));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return new StepCatalog.Declared(new StepKey(subject, from, to), ops, lossless, "test");
    }

    @Test
    void breakingChangesAreLocatedAndFailTheGateUnlessAStepCoversThem() {
        StaticSchemaRegistry reg = StaticSchemaRegistry.loadDirectory(path("schemas"));
        CompatibilityReport bare = check(reg, "orders-value", 1, 2, StepCatalog.empty());
        assertThat(bare.exitCode()).isEqualTo(1);
        assertThat(bare.incompatibilities()).anySatisfy(i -> {
            assertThat(i.writerVersion()).isEqualTo(1);
            assertThat(i.reason()).isEqualTo("READER_FIELD_MISSING_DEFAULT_VALUE");
            assertThat(i.location()).isEqualTo("/fields/1");
            assertThat(i.covered()).isFalse();
        });
        assertThat(bare.incompatibilities())
                .anySatisfy(i -> assertThat(i.writerVersion()).isEqualTo(2));
        assertThat(bare.toText()).contains("BREAKING v1 data read as v2 at /fields/1");

        StepCatalog withYaml =
                StepCatalog.builder().directory(path("translators")).build();
        CompatibilityReport covered = check(reg, "orders-value", 1, 2, withYaml);
        assertThat(covered.exitCode()).isZero();
        assertThat(covered.incompatibilities())
                .isNotEmpty()
                .allSatisfy(i -> assertThat(i.coveredBy()).contains("1-2.yaml"));
        assertThat(covered.toJson()
                        .get("incompatibilities")
                        .get(0)
                        .get("covered")
                        .asBoolean())
                .isTrue();
        assertThat(covered.toText()).contains("Result: OK");
    }

    @Test
    void compatibleVersionsAndLogicalTypeChanges() {
        StaticSchemaRegistry reg = new StaticSchemaRegistry();
        reg.register(
                "t",
                "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"at\",\"type\":"
                        + "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}");
        reg.register(
                "t",
                "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"at\",\"type\":"
                        + "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},{\"name\":\"n\",\"type\":\"int\",\"default\":0}]}");
        reg.register(
                "t",
                "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"at\",\"type\":"
                        + "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},{\"name\":\"n\",\"type\":\"int\",\"default\":0}]}");
        CompatibilityReport ok = check(reg, "t", 1, 2, StepCatalog.empty());
        assertThat(ok.incompatibilities()).isEmpty();
        assertThat(ok.exitCode()).isZero();
        CompatibilityReport units = check(reg, "t", 2, 3, StepCatalog.empty());
        assertThat(units.incompatibilities()).hasSize(2).allSatisfy(i -> {
            assertThat(i.reason()).isEqualTo("LOGICAL_TYPE_CHANGED");
            assertThat(i.location()).isEqualTo("/fields/0");
        });
        assertThat(units.exitCode()).isEqualTo(1);
        StepCatalog convert = StepCatalog.builder()
                .declare(declared("t", 2, 3, true, "{\"convert\":{\"field\":\"at\",\"using\":\"millis-to-micros\"}}"))
                .declare(declared("t", 3, 2, true, "{\"convert\":{\"field\":\"at\",\"using\":\"micros-to-millis\"}}"))
                .build();
        assertThat(check(reg, "t", 2, 3, convert).exitCode()).isZero();
    }

    @Test
    void verifyFindsFailuresWithMinimalExamples() {
        StaticSchemaRegistry reg = StaticSchemaRegistry.loadDirectory(path("schemas"));
        StepCatalog catalog =
                StepCatalog.builder().directory(path("translators")).build();
        VerificationReport r = Verifier.verify(
                "orders-value", reg.versions("orders-value").join(), versions(reg, "orders-value"), catalog, 30, 1);
        assertThat(r.checked())
                .extracting(VerificationReport.Checked::translation)
                .contains("v1 -> v2", "v2 -> v1", "v2 -> v3", "v3 -> v2");
        // cents beyond decimal(12,2): found, located, and shrunk to a record where only that field matters
        assertThat(r.failures()).anySatisfy(f -> {
            assertThat(f.translation()).isEqualTo("v1 -> v2");
            assertThat(f.kind()).isEqualTo("STEP_FAILED");
            assertThat(f.fieldPath()).isEqualTo("amount");
            assertThat(f.minimalExample()).contains("\"customer_name\": \"\"").contains("\"lines\": []");
        });
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.toText()).contains("FAIL v1 -> v2 STEP_FAILED at amount");
        assertThat(r.toJson().get("passed").asBoolean()).isFalse();
    }

    @Test
    void losslessPromisesAreCheckedByRoundTrip() {
        StaticSchemaRegistry reg = new StaticSchemaRegistry();
        reg.register(
                "u",
                "{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"old\",\"type\":\"string\"},"
                        + "{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
                        + "{\"name\":\"u\",\"type\":[\"null\",\"int\",\"string\"]}]}");
        reg.register(
                "u",
                "{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"fresh\",\"type\":\"string\"},"
                        + "{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
                        + "{\"name\":\"u\",\"type\":[\"null\",\"int\",\"string\"]}]}");
        StepCatalog lossy = StepCatalog.builder()
                .declare(declared(
                        "u",
                        1,
                        2,
                        true,
                        "{\"rename\":{\"from\":\"old\",\"to\":\"fresh\"}}",
                        "{\"convert\":{\"field\":\"at\",\"using\":\"micros-to-millis\"}}"))
                .declare(declared(
                        "u",
                        2,
                        1,
                        true,
                        "{\"rename\":{\"from\":\"fresh\",\"to\":\"old\"}}",
                        "{\"convert\":{\"field\":\"at\",\"using\":\"millis-to-micros\"}}"))
                .build();
        VerificationReport r = Verifier.verify("u", List.of(1, 2), versions(reg, "u"), lossy, 20, 3);
        assertThat(r.failures()).anySatisfy(f -> {
            assertThat(f.translation()).isEqualTo("v1 -> v2");
            assertThat(f.kind()).isEqualTo("ROUND_TRIP_MISMATCH");
            assertThat(f.fieldPath()).isEqualTo("at");
        });

        StaticSchemaRegistry ok = new StaticSchemaRegistry();
        ok.register(
                "w",
                "{\"type\":\"record\",\"name\":\"W\",\"fields\":[{\"name\":\"old\",\"type\":\"string\"},"
                        + "{\"name\":\"u\",\"type\":[\"null\",\"int\",\"string\"]}]}");
        ok.register(
                "w",
                "{\"type\":\"record\",\"name\":\"W\",\"fields\":[{\"name\":\"fresh\",\"type\":\"string\"},"
                        + "{\"name\":\"u\",\"type\":[\"null\",\"int\",\"string\"]}]}");
        StepCatalog rename = StepCatalog.builder()
                .declare(declared("w", 1, 2, true, "{\"rename\":{\"from\":\"old\",\"to\":\"fresh\"}}"))
                .declare(declared("w", 2, 1, true, "{\"rename\":{\"from\":\"fresh\",\"to\":\"old\"}}"))
                .build();
        VerificationReport good = Verifier.verify("w", List.of(1, 2), versions(ok, "w"), rename, 50, 3);
        assertThat(good.failures()).isEmpty();
        assertThat(good.checked()).allSatisfy(c -> assertThat(c.roundTrip()).isTrue());
        assertThat(good.exitCode()).isZero();
    }
}
