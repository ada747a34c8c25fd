package dev.rosetta.translators.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.avro.SchemaCompatibility;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.chain.StepCatalog;
import dev.rosetta.translators.chain.TranslatorChain;
import dev.rosetta.translators.plan.BinaryPlan;
import dev.rosetta.translators.step.ResolutionStep;
import dev.rosetta.translators.step.Step;

/**
 * Builds {@link CompatibilityReport}s: Avro reader/writer compatibility in both directions
 * ({@link SchemaCompatibility}, with JSON-pointer locations), plus logical-type changes that Avro
 * accepts but that would change values, each matched against the steps Rosetta would run.
 *
 * <p>A difference counts as covered when the translation for its direction compiles and includes a
 * declared step (YAML operations, custom translator or registry migration rules): that step is
 * what makes the data readable. Stateless, thread-safe. Cost: schema-sized work per call.
 */
public final class CompatibilityChecker {
    private CompatibilityChecker() {}

    /** Compares two versions of {@code subject} (given with their schemas) in both directions. */
    public static CompatibilityReport check(
            String subject,
            TranslatorChain.Version older,
            TranslatorChain.Version newer,
            List<Integer> versions,
            Map<Integer, TranslatorChain.Version> schemas,
            StepCatalog catalog) {
        List<Incompatibility> all = new ArrayList<>();
        String up = direction(subject, older, newer, versions, schemas, catalog, all);
        String down = direction(subject, newer, older, versions, schemas, catalog, all);
        return new CompatibilityReport(subject, older.version(), newer.version(), up, down, all);
    }

    private static String direction(
            String subject,
            TranslatorChain.Version writer,
            TranslatorChain.Version reader,
            List<Integer> versions,
            Map<Integer, TranslatorChain.Version> schemas,
            StepCatalog catalog,
            List<Incompatibility> out) {
        String covering = null;
        String description;
        try {
            List<Integer> path =
                    TranslatorChain.planPath(subject, versions, writer.version(), reader.version(), catalog);
            TranslatorChain chain = TranslatorChain.compile(subject, path, schemas, catalog);
            List<String> declared = new ArrayList<>();
            for (Step s : chain.steps()) {
                if (!(s instanceof ResolutionStep) || s.description().endsWith("(binary)")) {
                    declared.add(s.description());
                }
            }
            description = chain.steps().stream().map(Step::description).collect(Collectors.joining(", then "));
            if (description.isEmpty()) {
                description = "identical";
            }
            covering = declared.isEmpty() ? null : String.join(", then ", declared);
        } catch (TranslationException e) {
            description = "cannot compile: " + e.getMessage();
        }
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader.schema(), writer.schema());
        for (SchemaCompatibility.Incompatibility i : result.getResult().getIncompatibilities()) {
            out.add(new Incompatibility(
                    writer.version(),
                    reader.version(),
                    i.getLocation(),
                    i.getType().name(),
                    i.getMessage(),
                    covering));
        }
        if (result.getResult().getIncompatibilities().isEmpty()) {
            try {
                BinaryPlan.compile(writer.schema(), reader.schema());
            } catch (TranslationException e) {
                out.add(new Incompatibility(
                        writer.version(),
                        reader.version(),
                        pointer(reader, e.fieldPath()),
                        "LOGICAL_TYPE_CHANGED",
                        e.getRawMessage(),
                        covering));
            }
        }
        return description;
    }

    /** Turns a dotted field path into a JSON pointer into the reader schema (records only). */
    static String pointer(TranslatorChain.Version reader, String dotted) {
        if (dotted == null || dotted.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        org.apache.avro.Schema cur = reader.schema();
        for (String seg : dotted.split("\\.")) {
            String name = seg.replaceAll("[\\[<{].*$", "");
            while (cur != null && cur.getType() == org.apache.avro.Schema.Type.UNION) {
                org.apache.avro.Schema rec = null;
                for (org.apache.avro.Schema b : cur.getTypes()) {
                    if (b.getType() == org.apache.avro.Schema.Type.RECORD) {
                        rec = b;
                    }
                }
                cur = rec;
            }
            if (cur == null || cur.getType() != org.apache.avro.Schema.Type.RECORD || cur.getField(name) == null) {
                return sb + "/" + seg;
            }
            org.apache.avro.Schema.Field f = cur.getField(name);
            sb.append("/fields/").append(f.pos());
            cur = f.schema();
            if (cur.getType() == org.apache.avro.Schema.Type.ARRAY) {
                cur = cur.getElementType();
            } else if (cur.getType() == org.apache.avro.Schema.Type.MAP) {
                cur = cur.getValueType();
            }
        }
        return sb.toString();
    }
}
