package dev.rosetta.translators.plan;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;
import dev.rosetta.translators.verify.RecordGenerator;

import static dev.rosetta.translators.testing.AvroSupport.decode;
import static dev.rosetta.translators.testing.AvroSupport.encode;
import static dev.rosetta.translators.testing.AvroSupport.parse;
import static dev.rosetta.translators.testing.AvroSupport.vanilla;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BinaryPlanTest {
    static final String NESTED_V1 = "{\"type\":\"record\",\"name\":\"Address\",\"fields\":["
            + "{\"name\":\"street\",\"type\":\"string\"},{\"name\":\"zip\",\"type\":\"int\"}]}";
    static final String V1 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"customer_name\",\"type\":\"string\"},"
            + "{\"name\":\"qty\",\"type\":\"int\"},"
            + "{\"name\":\"weight\",\"type\":\"float\"},"
            + "{\"name\":\"legacy\",\"type\":[\"null\",\"string\"],\"default\":null},"
            + "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"Status\",\"symbols\":[\"NEW\",\"PAID\",\"SHIPPED\"]}},"
            + "{\"name\":\"address\",\"type\":" + NESTED_V1 + "},"
            + "{\"name\":\"payment\",\"type\":[\"null\",\"string\",\"long\",{\"type\":\"record\",\"name\":\"Card\",\"fields\":[{\"name\":\"pan\",\"type\":\"string\"}]}]},"
            + "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Line\",\"fields\":["
            + "  {\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"int\"}]}}},"
            + "{\"name\":\"attrs\",\"type\":{\"type\":\"map\",\"values\":[\"null\",\"int\"]}},"
            + "{\"name\":\"digest\",\"type\":{\"type\":\"fixed\",\"name\":\"Md5\",\"size\":16}},"
            + "{\"name\":\"blob\",\"type\":\"bytes\"},"
            + "{\"name\":\"price\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":9,\"scale\":2}},"
            + "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
            + "{\"name\":\"day\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}}"
            + "]}";
    /** Upcast: rename via alias, added fields with defaults, removed field, promotions, reordering. */
    static final String V2 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"customerName\",\"aliases\":[\"customer_name\"],\"type\":\"string\"},"
            + "{\"name\":\"qty\",\"type\":\"long\"},"
            + "{\"name\":\"weight\",\"type\":\"double\"},"
            + "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"Status\",\"symbols\":[\"CANCELLED\",\"NEW\",\"PAID\",\"SHIPPED\"],\"default\":\"NEW\"}},"
            + "{\"name\":\"currency\",\"type\":\"string\",\"default\":\"EUR\"},"
            + "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":["
            + "  {\"name\":\"zip\",\"type\":\"long\"},{\"name\":\"street\",\"type\":\"string\"},"
            + "  {\"name\":\"country\",\"type\":\"string\",\"default\":\"DE\"}]}},"
            + "{\"name\":\"payment\",\"type\":[\"null\",\"string\",\"long\",\"double\",{\"type\":\"record\",\"name\":\"Card\",\"fields\":[{\"name\":\"pan\",\"type\":\"string\"},{\"name\":\"cvv\",\"type\":[\"null\",\"int\"],\"default\":null}]}]},"
            + "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Line\",\"fields\":["
            + "  {\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"double\"}]}}},"
            + "{\"name\":\"attrs\",\"type\":{\"type\":\"map\",\"values\":[\"null\",\"long\"]}},"
            + "{\"name\":\"digest\",\"type\":{\"type\":\"fixed\",\"name\":\"Md5\",\"size\":16}},"
            + "{\"name\":\"blob\",\"type\":\"string\"},"
            + "{\"name\":\"price\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":12,\"scale\":2}},"
            + "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
            + "{\"name\":\"day\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
            + "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[\"a\",\"b\"]},"
            + "{\"name\":\"shipTo\",\"type\":[\"null\",\"Address\"],\"default\":null}"
            + "]}";

    /** Every record the generator makes translates to the same bytes vanilla Avro produces. */
    static void assertSameAsVanilla(Schema w, Schema r, int randomCount) {
        BinaryPlan plan = BinaryPlan.compile(w, r);
        RecordGenerator gen = new RecordGenerator(7);
        List<Object> data = new ArrayList<>(gen.edgeCases(w));
        data.addAll(gen.random(w, randomCount, 42));
        OutputBuffer out = new OutputBuffer(64);
        int failures = 0;
        for (Object datum : data) {
            byte[] body = encode(w, datum);
            byte[] expected;
            try {
                expected = vanilla(w, r, body);
            } catch (RuntimeException vanillaFailed) {
                out.reset();
                assertThatThrownBy(() -> plan.translate(body, 0, body.length, out))
                        .as("vanilla failed with %s, plan must fail too", vanillaFailed)
                        .isInstanceOf(TranslationException.class);
                assertThat(out.size()).isZero();
                failures++;
                continue;
            }
            out.reset();
            plan.translate(body, 0, body.length, out);
            byte[] got = out.toByteArray();
            // vanilla re-encodes maps from a HashMap (key order changes): compare values, and bytes when no map
            assertThat(decode(r, r, got))
                    .as("datum #%s decodes to vanilla's value", data.indexOf(datum))
                    .isEqualTo(decode(r, r, expected));
            if (!r.toString().contains("\"map\"") && !java.util.Arrays.equals(got, expected)) {
                int i = java.util.Arrays.mismatch(got, expected);
                throw new AssertionError("datum #" + data.indexOf(datum) + ": first difference at byte " + i + " of "
                        + expected.length + " (got " + got.length + " bytes); expected "
                        + java.util.Arrays.toString(java.util.Arrays.copyOfRange(
                                expected, Math.max(0, i - 8), Math.min(expected.length, i + 8)))
                        + " got "
                        + java.util.Arrays.toString(
                                java.util.Arrays.copyOfRange(got, Math.max(0, i - 8), Math.min(got.length, i + 8))));
            }
        }
        assertThat(data.size() - failures).isPositive();
    }

    @Test
    void upcastMatchesVanillaAvroOnEdgeCasesAndRandomRecords() {
        assertSameAsVanilla(parse(V1), parse(V2), 200);
    }

    @Test
    void downcastMatchesVanillaAvroOnEdgeCasesAndRandomRecords() {
        // v2 -> v1: CANCELLED has no match in v1's Status (no default): those records fail, like vanilla
        String v1WithoutAlias = V1;
        Schema v2 = parse(V2);
        Schema v1 = parse(v1WithoutAlias.replace(
                "\"name\":\"customer_name\"", "\"name\":\"customer_name\",\"aliases\":[\"customerName\"]"));
        // v1 cannot take double payments or a double qty: vanilla cannot either; v1 reads long qty? no:
        // qty long -> int is not a promotion, so downcast needs qty to stay int in this test
        Schema v2b = parse(V2.replace("{\"name\":\"qty\",\"type\":\"long\"}", "{\"name\":\"qty\",\"type\":\"int\"}")
                .replace("{\"name\":\"weight\",\"type\":\"double\"}", "{\"name\":\"weight\",\"type\":\"float\"}")
                .replace("{\"name\":\"n\",\"type\":\"double\"}", "{\"name\":\"n\",\"type\":\"int\"}")
                .replace("{\"name\":\"zip\",\"type\":\"long\"}", "{\"name\":\"zip\",\"type\":\"int\"}")
                .replace("\"values\":[\"null\",\"long\"]", "\"values\":[\"null\",\"int\"]")
                .replace("\"precision\":12", "\"precision\":9"));
        assertThat(v2).isNotNull();
        assertSameAsVanilla(v2b, v1, 200);
    }

    @Test
    void identicalSchemasCopyBytesUnchanged() {
        Schema s = parse(V1);
        BinaryPlan plan = BinaryPlan.compile(s, s);
        assertThat(plan.isIdentity()).isTrue();
        assertSameAsVanilla(s, s, 20);
    }

    @Test
    void recursiveSchemasResolve() {
        String w = "{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"},"
                + "{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}";
        String r = "{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"v\",\"type\":\"long\"},"
                + "{\"name\":\"label\",\"type\":\"string\",\"default\":\"-\"},{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}";
        assertSameAsVanilla(parse(w), parse(r), 50);
    }

    /** A linked list {@code Node{v, next: [null, Node]}} of {@code levels} nodes: two bytes a level. */
    private static byte[] list(int levels) {
        byte[] body = new byte[2 * levels + 2];
        for (int i = 0; i < levels; i++) {
            body[2 * i] = 0; // v = 0
            body[2 * i + 1] = 2; // next: branch 1, a Node
        }
        return body; // the last node: v = 0, next: branch 0, null
    }

    @Test
    void recordsNestedDeeperThanTheLimitAreRefusedNotAStackOverflow() {
        String node = "{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"},"
                + "{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}";
        Schema writer = parse(node);
        Schema reader = parse(node.replace("\"int\"", "\"long\""));
        byte[] within = list(Input.MAX_DEPTH - 1);
        OutputBuffer out = new OutputBuffer(64);
        BinaryPlan.compile(writer, reader).translate(within, 0, within.length, out);
        assertThat(out.toByteArray()).isEqualTo(vanilla(writer, reader, within));

        byte[] deep = list(100_000); // 200 kB: enough to overflow any thread's stack, one frame or more a level
        for (BinaryPlan plan : List.of(BinaryPlan.compile(writer, reader), BinaryPlan.compile(writer, writer))) {
            assertThatThrownBy(() -> plan.translate(deep, 0, deep.length, new OutputBuffer(64)))
                    .as("rewritten (%s) or copied", plan.isIdentity() ? "copied" : "rewritten")
                    .isInstanceOfSatisfying(
                            TranslationException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD))
                    .hasMessageContaining("records nest deeper than 500 levels");
        }
    }

    @Test
    void sizedBlocksMustHoldTheItemsTheyCount() throws Exception {
        Schema writer = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"xs\",\"type\":"
                + "{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"E\",\"fields\":["
                + "{\"name\":\"s\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"int\"}]}}}]}");
        Schema reader = parse(writer.toString().replace("\"int\"", "\"long\""));
        GenericRecord record = new GenericData.Record(writer);
        List<GenericRecord> items = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            GenericRecord e =
                    new GenericData.Record(writer.getField("xs").schema().getElementType());
            e.put("s", "item-" + i);
            e.put("n", i);
            items.add(e);
        }
        record.put("xs", items);
        // Avro's blocking encoder writes each block with a negative count and its size in bytes
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder blocking =
                org.apache.avro.io.EncoderFactory.get().blockingBinaryEncoder(bytes, null);
        new org.apache.avro.generic.GenericDatumWriter<Object>(writer).write(record, blocking);
        blocking.flush();
        byte[] sized = bytes.toByteArray();
        assertThat(sized[0] & 1).as("a negative count (zig-zag: odd)").isEqualTo(1);
        for (Schema target : List.of(reader, writer)) {
            OutputBuffer out = new OutputBuffer(64);
            BinaryPlan.compile(writer, target).translate(sized, 0, sized.length, out);
            assertThat(decode(target, target, out.toByteArray()))
                    .isEqualTo(decode(target, target, vanilla(writer, target, sized)));
        }

        OutputBuffer lying = new OutputBuffer(16);
        lying.writeLong(-(1L << 30)); // 2^30 items ...
        lying.writeLong(0); // ... in 0 bytes
        lying.writeLong(0); // end of the array
        byte[] lie = lying.toByteArray();
        for (Schema target : List.of(reader, writer)) {
            assertThatThrownBy(
                            () -> BinaryPlan.compile(writer, target).translate(lie, 0, lie.length, new OutputBuffer(8)))
                    .isInstanceOfSatisfying(TranslationException.class, e -> {
                        assertThat(e.reason()).isIn(Reason.SHORT_PAYLOAD, Reason.CORRUPT_PAYLOAD);
                        assertThat(e.fieldPath()).startsWith("xs");
                    });
        }
    }

    @Test
    void itemsThatTakeNoBytesAreCountedAgainstABound() {
        Schema writer = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                + "{\"name\":\"empties\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"E\",\"fields\":[]}}},"
                + "{\"name\":\"nulls\",\"type\":{\"type\":\"array\",\"items\":\"null\"}}]}");
        // each empty item read from no bytes is written as one: without a bound, 6 bytes ask for any amount of output
        Schema reader = parse(writer.toString()
                .replace("\"fields\":[]", "\"fields\":[{\"name\":\"d\",\"type\":\"int\",\"default\":7}]"));
        OutputBuffer fine = new OutputBuffer(16);
        fine.writeLong(1000);
        fine.writeLong(0);
        fine.writeLong(1000);
        fine.writeLong(0);
        byte[] thousand = fine.toByteArray();
        OutputBuffer out = new OutputBuffer(16);
        BinaryPlan.compile(writer, reader).translate(thousand, 0, thousand.length, out);
        assertThat(out.toByteArray()).isEqualTo(vanilla(writer, reader, thousand));

        OutputBuffer many = new OutputBuffer(16);
        many.writeLong(0);
        many.writeLong(1L << 40); // nulls: 2^40 of them, in 6 bytes
        many.writeLong(0);
        byte[] nulls = many.toByteArray();
        OutputBuffer rewritten = new OutputBuffer(16);
        rewritten.writeLong(1L << 40); // empties: 2^40 of them
        rewritten.writeLong(0);
        rewritten.writeLong(0);
        byte[] empties = rewritten.toByteArray();
        OutputBuffer wrapping = new OutputBuffer(32);
        wrapping.writeLong(0);
        wrapping.writeLong(1000); // nulls: a block of 1000, then one of 2^63 - 1, which must not wrap the count
        wrapping.writeLong(Long.MAX_VALUE);
        wrapping.writeLong(0);
        byte[] wraps = wrapping.toByteArray();
        for (byte[] body : List.of(nulls, empties, wraps)) {
            for (Schema target : List.of(reader, writer)) {
                assertThatThrownBy(() ->
                                BinaryPlan.compile(writer, target).translate(body, 0, body.length, new OutputBuffer(8)))
                        .isInstanceOfSatisfying(
                                TranslationException.class,
                                e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD))
                        .hasMessageContaining("array items that take no bytes");
            }
        }
    }

    @Test
    void valuesAvrosReaderRefusesAreNotCopiedIntoTheOutput() {
        Schema writer = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"},"
                + "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}}]}");
        Schema wider = parse(writer.toString()
                .replace(
                        "\"symbols\":[\"A\",\"B\"]}}",
                        "\"symbols\":[\"A\",\"B\"]}}," + "{\"name\":\"added\",\"type\":\"string\",\"default\":\"x\"}"));
        byte[] sixByteInt = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00, 0x00};
        byte[] intOf33Bits = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10, 0x00};
        byte[] enumIndexTwo = {0x00, 0x04};
        for (byte[] body : List.of(sixByteInt, intOf33Bits, enumIndexTwo)) {
            for (Schema target : List.of(writer, wider)) {
                assertThatThrownBy(() ->
                                BinaryPlan.compile(writer, target).translate(body, 0, body.length, new OutputBuffer(8)))
                        .isInstanceOfSatisfying(
                                TranslationException.class,
                                e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD));
            }
        }
    }

    @Test
    void unionToNonUnionAndBack() {
        Schema plain = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
        Schema union = parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":[\"null\",\"long\"]}]}");
        assertSameAsVanilla(plain, union, 20);
        // union -> plain: null values fail with the field path, ints pass
        Schema unionInt =
                parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":[\"null\",\"int\"]}]}");
        assertSameAsVanilla(unionInt, plain, 20);
        BinaryPlan plan = BinaryPlan.compile(unionInt, plain);
        GenericRecord rec = new GenericData.Record(unionInt);
        rec.put("a", null);
        byte[] body = encode(unionInt, rec);
        assertThatThrownBy(() -> plan.translate(body, 0, body.length, new OutputBuffer(8)))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE);
                    assertThat(e.fieldPath()).isEqualTo("a");
                });
    }

    @Test
    void missingRequiredFieldFailsAtCompileWithName() {
        Schema w = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
        Schema r = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
                + "{\"name\":\"inner\",\"type\":{\"type\":\"record\",\"name\":\"I\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]},"
                + "\"default\":{\"x\":1}},{\"name\":\"b\",\"type\":\"string\"}]}");
        assertThatThrownBy(() -> BinaryPlan.compile(w, r))
                .isInstanceOfSatisfying(
                        TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE))
                .hasMessageContaining("[b]");
    }

    @Test
    void logicalTypeChangesAreRefusedNotSilentlyCopied() {
        Schema millis = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"ts\",\"type\":"
                + "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}");
        Schema micros = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"ts\",\"type\":"
                + "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}}]}");
        assertThatThrownBy(() -> BinaryPlan.compile(millis, micros))
                .isInstanceOfSatisfying(
                        TranslationException.class,
                        e -> assertThat(e.fieldPath()).isEqualTo("ts"))
                .hasMessageContaining("timestamp-millis read as timestamp-micros");
        Schema scale2 = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"p\",\"type\":"
                + "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":9,\"scale\":2}}]}");
        Schema scale3 = parse(scale2.toString().replace("\"scale\":2", "\"scale\":3"));
        assertThatThrownBy(() -> BinaryPlan.compile(scale2, scale3)).hasMessageContaining("scale 2 read as scale 3");
    }

    @Test
    void corruptAndTruncatedPayloadsAreTypedFailuresWithPath() {
        Schema w = parse(V1);
        Schema r = parse(V2);
        BinaryPlan plan = BinaryPlan.compile(w, r);
        byte[] body = encode(w, new RecordGenerator(1).edgeCases(w).get(1));
        OutputBuffer out = new OutputBuffer(16);
        out.write(new byte[] {1, 2, 3});
        assertThatThrownBy(() -> plan.translate(body, 0, body.length - 3, out))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.reason()).isIn(Reason.SHORT_PAYLOAD, Reason.CORRUPT_PAYLOAD);
                    assertThat(e.fieldPath()).isNotEmpty();
                });
        assertThat(out.size()).as("no partial output").isEqualTo(3);
        byte[] longer = java.util.Arrays.copyOf(body, body.length + 2);
        assertThatThrownBy(() -> plan.translate(longer, 0, longer.length, out))
                .isInstanceOfSatisfying(
                        TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD))
                .hasMessageContaining("2 bytes left");
        // a bad union index inside a nested array element names its path
        Schema lw = parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"xs\",\"type\":{\"type\":\"array\","
                        + "\"items\":{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"u\",\"type\":[\"null\",\"int\"]}]}}}]}");
        Schema lr = parse(lw.toString().replace("\"int\"", "\"long\""));
        byte[] bad = {4 /* 2 items */, 2, 2 /* item0: branch1 int 1 */, 8 /* item1: branch 4: corrupt */, 0};
        assertThatThrownBy(() -> BinaryPlan.compile(lw, lr).translate(bad, 0, bad.length, new OutputBuffer(8)))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD);
                    assertThat(e.fieldPath()).isEqualTo("xs[1].u");
                });
    }

    @Test
    void decodedValuesKeepLogicalTypesExactly() {
        Schema w = parse(V1);
        Schema r = parse(V2);
        BinaryPlan plan = BinaryPlan.compile(w, r);
        for (Object d : new RecordGenerator(3).edgeCases(w)) {
            GenericRecord in = (GenericRecord) d;
            byte[] body = encode(w, in);
            OutputBuffer out = new OutputBuffer(16);
            plan.translate(body, 0, body.length, out);
            GenericRecord got = (GenericRecord) decode(r, r, out.toByteArray());
            assertThat(got.get("price")).isEqualTo(in.get("price"));
            assertThat(got.get("ts")).isEqualTo(in.get("ts"));
            assertThat(got.get("customerName").toString())
                    .isEqualTo(in.get("customer_name").toString());
            assertThat(got.get("currency").toString()).isEqualTo("EUR");
        }
    }
}
