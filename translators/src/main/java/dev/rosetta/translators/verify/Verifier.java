package dev.rosetta.translators.verify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.jspecify.annotations.Nullable;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.chain.StepCatalog;
import dev.rosetta.translators.chain.TranslatorChain;
import dev.rosetta.translators.ops.AvroTree;
import dev.rosetta.translators.plan.OutputBuffer;
import dev.rosetta.translators.step.Step;
import dev.rosetta.translators.step.StepKey;

/**
 * Verifies a subject's translations on synthetic records ({@link RecordGenerator}): for every pair
 * of adjacent versions and every declared pair, both directions, each generated source record is
 * translated, the output must decode completely with the target schema, and where the pair is
 * declared lossless, translating back must give the original. Failures are grouped by kind and
 * field path and come with a shrunk (minimal) failing record.
 *
 * <p>Stateless, thread-safe. Cost: records x steps; a few hundred records per translation.
 */
public final class Verifier {
    private Verifier() {}

    /**
     * @param versions     the subject's versions
     * @param schemas      every version's schema
     * @param randomCount  random records per translation, on top of the systematic edge cases
     * @param seed         seed of the random records (same seed, same records)
     */
    public static VerificationReport verify(
            String subject,
            List<Integer> versions,
            Map<Integer, TranslatorChain.Version> schemas,
            StepCatalog catalog,
            int randomCount,
            long seed) {
        List<Integer> sorted = versions.stream().sorted().toList();
        Set<StepKey> pairs = new LinkedHashSet<>();
        for (int i = 0; i + 1 < sorted.size(); i++) {
            pairs.add(new StepKey(subject, sorted.get(i), sorted.get(i + 1)));
            pairs.add(new StepKey(subject, sorted.get(i + 1), sorted.get(i)));
        }
        for (StepKey k : catalog.steps(subject)) {
            if (schemas.containsKey(k.from()) && schemas.containsKey(k.to())) {
                pairs.add(k);
                pairs.add(k.reverse());
            }
        }
        List<VerificationReport.Checked> checked = new ArrayList<>();
        Map<String, Group> groups = new LinkedHashMap<>();
        for (StepKey k : pairs) {
            String name = "v" + k.from() + " -> v" + k.to();
            TranslatorChain there;
            TranslatorChain back;
            try {
                there = TranslatorChain.compile(
                        subject,
                        TranslatorChain.planPath(subject, sorted, k.from(), k.to(), catalog),
                        schemas,
                        catalog);
            } catch (TranslationException e) {
                groups.computeIfAbsent(
                                name + "|compile",
                                x -> new Group(
                                        name,
                                        "STEP_FAILED",
                                        e.fieldPath(),
                                        "cannot compile: " + e.getMessage(),
                                        "(any record)"))
                        .count++;
                continue;
            }
            boolean lossless = declaredLossless(catalog, k) && !there.steps().isEmpty();
            back = null;
            if (lossless) {
                try {
                    back = TranslatorChain.compile(
                            subject,
                            TranslatorChain.planPath(subject, sorted, k.to(), k.from(), catalog),
                            schemas,
                            catalog);
                } catch (TranslationException e) {
                    groups.computeIfAbsent(
                                    name + "|back",
                                    x -> new Group(
                                            name,
                                            "ROUND_TRIP_MISMATCH",
                                            e.fieldPath(),
                                            "declared lossless but the reverse cannot compile: " + e.getMessage(),
                                            "(any record)"))
                            .count++;
                }
            }
            Schema source = version(schemas, k.from()).schema();
            Schema target = version(schemas, k.to()).schema();
            RecordGenerator gen = new RecordGenerator(seed);
            List<Object> records = new ArrayList<>(gen.edgeCases(source));
            records.addAll(gen.random(source, randomCount, seed));
            for (Object record : records) {
                Problem p = check(record, source, target, there, back);
                if (p != null) {
                    Group g = groups.computeIfAbsent(
                            name + "|" + p.kind + "|" + p.path, x -> new Group(name, p.kind, p.path, p.message, null));
                    g.count++;
                    if (g.example == null) {
                        g.example =
                                shrink(record, source, target, there, back, p).toString();
                    }
                }
            }
            String steps = there.steps().stream()
                    .map(Step::description)
                    .reduce((a, b) -> a + ", then " + b)
                    .orElse("identical");
            checked.add(new VerificationReport.Checked(name, steps, records.size(), back != null));
        }
        List<VerificationFailure> failures = new ArrayList<>();
        for (Group g : groups.values()) {
            // every group gets its example when it is created or on its first failing record
            failures.add(new VerificationFailure(
                    g.translation, g.kind, g.path, g.message, Objects.requireNonNull(g.example, "example"), g.count));
        }
        return new VerificationReport(subject, checked, failures);
    }

    private static TranslatorChain.Version version(Map<Integer, TranslatorChain.Version> schemas, int version) {
        return Objects.requireNonNull(schemas.get(version), () -> "no schema for v" + version);
    }

    private static boolean declaredLossless(StepCatalog catalog, StepKey k) {
        return catalog.declared(k).map(StepCatalog.Declared::lossless).orElse(false)
                || catalog.declared(k.reverse())
                        .map(StepCatalog.Declared::lossless)
                        .orElse(false);
    }

    private static final class Group {
        final String translation;
        final String kind;
        final String path;
        final String message;

        @Nullable
        String example;

        int count;

        Group(String translation, String kind, String path, String message, @Nullable String example) {
            this.translation = translation;
            this.kind = kind;
            this.path = path;
            this.message = message;
            this.example = example;
        }
    }

    private record Problem(String kind, String path, String message) {}

    /** The first problem with translating {@code record}, or null if there is none. */
    private static @Nullable Problem check(
            Object record, Schema source, Schema target, TranslatorChain there, @Nullable TranslatorChain back) {
        byte[] in = encode(source, record);
        OutputBuffer out = new OutputBuffer(in.length + 64);
        try {
            there.apply(in, 0, in.length, out);
        } catch (TranslationException e) {
            return new Problem("STEP_FAILED", e.fieldPath(), e.getRawMessage());
        }
        byte[] translated = out.toByteArray();
        Object decoded;
        try {
            decoded = decodeFully(target, translated);
        } catch (IOException | RuntimeException e) {
            return new Problem("INVALID_OUTPUT", "", "output does not decode with the target schema: " + e);
        }
        if (back == null) {
            return null;
        }
        OutputBuffer round = new OutputBuffer(translated.length + 64);
        try {
            back.apply(translated, 0, translated.length, round);
        } catch (TranslationException e) {
            return new Problem("ROUND_TRIP_MISMATCH", e.fieldPath(), "translating back failed: " + e.getRawMessage());
        }
        Object again;
        try {
            again = decodeFully(source, round.toByteArray());
        } catch (IOException | RuntimeException e) {
            return new Problem("ROUND_TRIP_MISMATCH", "", "translated back, output does not decode: " + e);
        }
        Object a = AvroTree.toTree(record, source);
        Object b = AvroTree.toTree(again, source);
        String diff = firstDifference(a, b, "");
        if (diff != null) {
            return new Problem(
                    "ROUND_TRIP_MISMATCH",
                    diff,
                    "declared lossless, but translating there and back" + " changed the value (there: "
                            + shortString(AvroTree.toTree(decoded, target)) + ")");
        }
        return null;
    }

    private static String shortString(@Nullable Object o) {
        String s = String.valueOf(o);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** Path of the first difference between two trees, or null when equal. */
    static @Nullable String firstDifference(@Nullable Object a, @Nullable Object b, String path) {
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            for (Object k : ma.keySet()) {
                String d = firstDifference(ma.get(k), mb.get(k), path.isEmpty() ? k.toString() : path + "." + k);
                if (d != null) {
                    return d;
                }
            }
            return ma.keySet().equals(mb.keySet()) ? null : path;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return path;
            }
            for (int i = 0; i < la.size(); i++) {
                String d = firstDifference(la.get(i), lb.get(i), path + "[" + i + "]");
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.equals(x, y) ? null : path;
        }
        if (a instanceof Double x && b instanceof Double y) {
            return Double.compare(x, y) == 0 ? null : path;
        }
        if (a instanceof Float x && b instanceof Float y) {
            return Float.compare(x, y) == 0 ? null : path;
        }
        return Objects.equals(a, b) ? null : path;
    }

    /**
     * Simplifies a failing record field by field (nested records included), keeping a change
     * whenever the record still fails the same way.
     */
    private static Object shrink(
            Object record,
            Schema source,
            Schema target,
            TranslatorChain there,
            @Nullable TranslatorChain back,
            Problem original) {
        if (!(record instanceof GenericRecord)) {
            return record;
        }
        GenericRecord r = (GenericRecord) GenericData.get().deepCopy(source, record);
        shrinkRecord(r, r, source, target, there, back, original, 0);
        return r;
    }

    private static void shrinkRecord(
            GenericRecord root,
            GenericRecord r,
            Schema source,
            Schema target,
            TranslatorChain there,
            @Nullable TranslatorChain back,
            Problem original,
            int depth) {
        for (Schema.Field f : r.getSchema().getFields()) {
            Object before = r.get(f.pos());
            for (Object candidate : simpler(f.schema())) {
                if (Objects.equals(candidate, before)) {
                    break;
                }
                r.put(f.pos(), candidate);
                Problem p = check(root, source, target, there, back);
                if (p != null && p.kind.equals(original.kind) && p.path.equals(original.path)) {
                    before = candidate;
                    break;
                }
                r.put(f.pos(), before);
            }
            Object now = r.get(f.pos());
            if (now instanceof GenericRecord nested && depth < 8) {
                shrinkRecord(root, nested, source, target, there, back, original, depth + 1);
            }
        }
    }

    /** Simpler values of a schema, simplest first. */
    private static List<Object> simpler(Schema s) {
        List<Object> out = new ArrayList<>();
        switch (s.getType()) {
            case NULL -> out.add(null);
            case BOOLEAN -> out.add(false);
            case INT -> out.add(0);
            case LONG -> out.add(0L);
            case FLOAT -> out.add(0f);
            case DOUBLE -> out.add(0d);
            case STRING -> out.addAll(List.of("", "a"));
            case BYTES -> {
                if (s.getLogicalType() == null) {
                    out.add(java.nio.ByteBuffer.wrap(new byte[0]));
                }
            }
            case ENUM ->
                out.add(new GenericData.EnumSymbol(s, s.getEnumSymbols().get(0)));
            case ARRAY -> out.add(new GenericData.Array<>(0, s));
            case MAP -> out.add(new java.util.HashMap<>());
            case UNION -> {
                for (Schema b : s.getTypes()) {
                    if (b.getType() == Schema.Type.NULL) {
                        out.add(null);
                    }
                }
            }
            default -> {}
        }
        return out;
    }

    private static byte[] encode(Schema s, Object datum) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(bos, null);
            new GenericDatumWriter<Object>(s, GenericData.get()).write(datum, enc);
            enc.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object decodeFully(Schema s, byte[] body) throws IOException {
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(body, null);
        Object v = new GenericDatumReader<Object>(s, s, GenericData.get()).read(null, dec);
        if (!dec.isEnd()) {
            throw new IOException("bytes left after the record");
        }
        return v;
    }
}
