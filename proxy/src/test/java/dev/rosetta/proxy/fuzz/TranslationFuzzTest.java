package dev.rosetta.proxy.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.jspecify.annotations.Nullable;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.Translator;
import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.chain.StepCatalog;
import dev.rosetta.translators.registry.StaticSchemaRegistry;
import dev.rosetta.translators.step.ResolutionStep;
import dev.rosetta.translators.step.Step;
import dev.rosetta.translators.wire.WireFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Hostile record payloads given to the compiled translators, the way the proxy calls them for every record of a
 * routed topic. The contracts under {@code fuzz/contracts} (with their declared steps under
 * {@code fuzz/translators}) are compiled in every direction that compiles: the orders contract of the translator
 * tests (declared operations, JSONata), the demo contract (an alias rename, a declared downcast), a contract that
 * touches every Avro type (promotions, enums, unions, fixed, arrays, maps, recursion, logical types) and one whose
 * array items take no bytes.
 *
 * <p>Input: the first byte picks the translator; with its high bit clear the rest is an Avro body the harness frames
 * with the translator's source schema id, with it set the rest is the whole payload (framing included).
 *
 * <p>What must hold: a {@link TranslationException} (nothing else), or a payload framed with the target schema id
 * whose body is exactly one valid record of the target schema. For translators made only of Avro schema resolution
 * the result must also be what Avro itself reads: the same record when Avro reads the body, a refusal when it
 * cannot.
 */
class TranslationFuzzTest {
    /** Subjects whose items always take bytes: Avro can check their bodies without looping on nothing. */
    private static final List<String> AVRO_CHECKABLE = List.of("orders-value", "demo-value", "shapes-value");

    /**
     * The compiled translators. In a holder, not fields of the test class: the test class is loaded before the
     * fuzzer instruments classes, and product classes must be loaded after (a record loaded before is
     * re-instrumented into one whose accessors fail).
     */
    static final class Compiled {
        private static final Path DIR = resourceDir();
        private static final StaticSchemaRegistry REGISTRY =
                StaticSchemaRegistry.loadDirectory(DIR.resolve("contracts"));
        private static final TranslatorCache TRANSLATORS = TranslatorCache.builder(REGISTRY)
                .catalog(StepCatalog.builder()
                        .directory(DIR.resolve("translators"))
                        .build())
                .executor(Runnable::run)
                .build();
        static final List<Pair> PAIRS = pairs();
    }

    /** One compiled translator and what the oracle needs to know about it. */
    record Pair(String subject, Translator translator, Schema source, Schema target, boolean checkable) {
        boolean resolutionOnly() {
            return translator.steps().stream().allMatch(s -> s instanceof ResolutionStep);
        }

        @Override
        public String toString() {
            return translator.toString();
        }
    }

    @FuzzTest(maxDuration = "10s")
    void payloadsTranslateOrAreRefusedWithATypedReason(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        Pair pair = Compiled.PAIRS.get((input[0] & 0x7f) % Compiled.PAIRS.size());
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        byte[] payload = (input[0] & 0x80) != 0
                ? body
                : WireFormat.encode(pair.translator().sourceId(), body);

        byte[] out;
        try {
            out = pair.translator().translate(payload);
        } catch (TranslationException refused) {
            assertThat(refused.reason()).isNotNull();
            if (pair.checkable()
                    && pair.resolutionOnly()
                    && framedWith(payload, pair.translator().sourceId())) {
                GenericData.Record avro = avroResolution(pair, payload);
                if (avro != null) {
                    fail("%s refused a body Avro resolves to %s: %s", pair, avro, refused.getMessage());
                }
            }
            return;
        }

        assertThat(WireFormat.schemaId(out))
                .as("%s: the target schema id", pair)
                .isEqualTo(pair.translator().targetId());
        byte[] outBody = Arrays.copyOfRange(out, WireFormat.HEADER_SIZE, out.length);
        if (!pair.checkable()) {
            return; // items of no bytes: Avro would loop over them too; framing checked, nothing more to read safely
        }
        assertThat(wellFormed(pair.target(), outBody))
                .as("%s wrote a body that is not one record of the target schema", pair)
                .isTrue();
        Object translated = read(pair.target(), pair.target(), outBody);
        assertThat(translated).isNotNull();
        if (pair.resolutionOnly()) {
            GenericData.Record avro = avroResolution(pair, payload);
            assertThat(avro)
                    .as("%s translated a body Avro cannot read with the source schema", pair)
                    .isNotNull();
            // compared as Avro writes them (one block per array): the plan keeps the writer's blocks as they came
            assertThat(write(pair.target(), translated))
                    .as("%s: the plan's record %s against Avro's own resolution %s", pair, translated, avro)
                    .isEqualTo(write(pair.target(), avro));
        }
    }

    /** Avro's own resolution of the body along the translator's steps, or null when Avro cannot read it. */
    private static GenericData.@Nullable Record avroResolution(Pair pair, byte[] payload) throws IOException {
        byte[] body = Arrays.copyOfRange(payload, WireFormat.HEADER_SIZE, payload.length);
        if (!wellFormed(pair.source(), body)) {
            return null;
        }
        Object value = null;
        for (Step step : pair.translator().steps()) {
            try {
                value = read(step.source(), step.target(), body);
            } catch (org.apache.avro.AvroTypeException e) {
                return null; // a value the reader cannot take (an enum symbol, a union branch)
            }
            body = write(step.target(), value);
        }
        return (GenericData.Record) value;
    }

    private static boolean framedWith(byte[] payload, int schemaId) {
        return payload.length >= WireFormat.HEADER_SIZE
                && payload[0] == WireFormat.MAGIC
                && WireFormat.schemaId(payload) == schemaId;
    }

    /**
     * Whether {@code body} is exactly one value of {@code schema}, nested at most as deep as translators read, so
     * that Avro's reader can be given it: Avro allocates what a length or count says before reading, and its
     * skipping reader passes over a sized block by its size without looking at the items it counts. Checked here
     * independently of the translators' own checks, byte by byte.
     */
    static boolean wellFormed(Schema schema, byte[] body) {
        int[] at = {0};
        try {
            return value(schema, body, at, 0) && at[0] == body.length;
        } catch (ArrayIndexOutOfBoundsException | ArithmeticException truncatedOrHuge) {
            return false;
        }
    }

    private static boolean value(Schema schema, byte[] body, int[] at, int depth) {
        switch (schema.getType()) {
            case NULL:
                return true;
            case BOOLEAN: // any byte: Avro's reader takes all but 1 as false (and strings are not checked as UTF-8)
                return skip(body, at, 1);
            case INT:
                return intVarint(body, at);
            case LONG:
                varint(body, at);
                return true;
            case ENUM:
                int symbolAt = at[0];
                if (!intVarint(body, at)) {
                    return false;
                }
                long symbol = varint(body, new int[] {symbolAt});
                return symbol >= 0 && symbol < schema.getEnumSymbols().size();
            case FLOAT:
                return skip(body, at, 4);
            case DOUBLE:
                return skip(body, at, 8);
            case STRING:
            case BYTES:
                return skip(body, at, varint(body, at));
            case FIXED:
                return skip(body, at, schema.getFixedSize());
            case UNION:
                int branchAt = at[0];
                if (!intVarint(body, at)) {
                    return false;
                }
                long branch = varint(body, new int[] {branchAt});
                return branch >= 0
                        && branch < schema.getTypes().size()
                        && value(schema.getTypes().get((int) branch), body, at, depth);
            case RECORD:
                if (depth >= 500) {
                    return false; // deeper than translators read: refused there, not compared
                }
                for (Schema.Field field : schema.getFields()) {
                    if (!value(field.schema(), body, at, depth + 1)) {
                        return false;
                    }
                }
                return true;
            case ARRAY:
            case MAP:
                for (long count = varint(body, at); count != 0; count = varint(body, at)) {
                    long end = -1;
                    if (count < 0) {
                        count = Math.negateExact(count);
                        long size = varint(body, at);
                        end = Math.addExact(at[0], size);
                        if (size < 0 || end > body.length) {
                            return false;
                        }
                    }
                    for (long i = 0; i < count; i++) {
                        if (schema.getType() == Schema.Type.MAP && !skip(body, at, varint(body, at))) {
                            return false;
                        }
                        Schema item =
                                schema.getType() == Schema.Type.MAP ? schema.getValueType() : schema.getElementType();
                        if (!value(item, body, at, depth)) {
                            return false;
                        }
                    }
                    if (end >= 0 && at[0] != end) {
                        return false;
                    }
                }
                return true;
            default:
                throw new IllegalArgumentException(schema.getType().getName());
        }
    }

    private static boolean skip(byte[] body, int[] at, long n) {
        if (n < 0 || n > body.length - at[0]) {
            return false;
        }
        at[0] += (int) n;
        return true;
    }

    /** Whether an int is next: as Avro's reader takes one, a varint of at most 5 bytes, and of 32 bits. */
    private static boolean intVarint(byte[] body, int[] at) {
        int start = at[0];
        varint(body, at);
        int length = at[0] - start;
        return length < 5 || length == 5 && (body[start + 4] & 0xff) <= 0x0f;
    }

    /** A zig-zag varint of at most 10 bytes. */
    private static long varint(byte[] body, int[] at) {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = body[at[0]++];
            raw |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new ArithmeticException("varint longer than 10 bytes");
    }

    private static Object read(Schema writer, Schema reader, byte[] body) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(body, null);
        Object value = new GenericDatumReader<>(writer, reader).read(null, decoder);
        assertThat(decoder.isEnd()).as("the whole body read").isTrue();
        return value;
    }

    private static byte[] write(Schema schema, Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(value, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Every (subject, from, to) that compiles, in a fixed order: the first input byte indexes this list. */
    private static List<Pair> pairs() {
        List<Pair> pairs = new ArrayList<>();
        for (String subject : Compiled.REGISTRY.subjects().stream().sorted().toList()) {
            List<Integer> versions = Compiled.REGISTRY.versions(subject).join();
            for (int from : versions) {
                for (int to : versions) {
                    if (from == to) {
                        continue;
                    }
                    int sourceId =
                            Compiled.REGISTRY.version(subject, from).join().id();
                    int targetId = Compiled.REGISTRY.version(subject, to).join().id();
                    Translator translator;
                    try {
                        translator = Compiled.TRANSLATORS
                                .translatorToSchema(subject, sourceId, targetId)
                                .join();
                    } catch (java.util.concurrent.CompletionException e) {
                        continue; // e.g. a narrowing no step declares: such routes cannot be configured
                    }
                    pairs.add(new Pair(
                            subject,
                            translator,
                            schema(subject, from),
                            schema(subject, to),
                            AVRO_CHECKABLE.contains(subject)));
                }
            }
        }
        assertThat(pairs).hasSizeGreaterThan(8);
        return List.copyOf(pairs);
    }

    private static Schema schema(String subject, int version) {
        return new Schema.Parser()
                .parse(Compiled.REGISTRY.version(subject, version).join().schema());
    }

    private static Path resourceDir() {
        try {
            return Path.of(TranslationFuzzTest.class.getResource("contracts").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
