package dev.rosetta.translators.ops;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;
import dev.rosetta.translators.step.ValueStep;

/**
 * Confluent Data Contract migration rules ({@code ruleSet.migrationRules}, type {@code JSONATA})
 * applied as a step, the way Confluent's serializers apply them: the record is rendered in Avro's
 * JSON encoding of the source schema, each rule's expression transforms that JSON in order, and
 * the result is decoded with the target schema.
 *
 * <p>Confluent attaches migration rules to the newer version: for a step N to N+1 the UPGRADE and
 * UPDOWN rules of N+1 apply; for N+1 to N its DOWNGRADE and UPDOWN rules. Disabled rules are
 * skipped; a rule of another type cannot be honoured and fails the compile, rather than being
 * silently ignored.
 *
 * <p>Thread-safe. Slow path: JSON rendering and parsing per record.
 */
public final class MigrationRulesStep extends ValueStep {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One migration rule as found in the registry document. */
    public record Rule(String name, String mode, JsonataExpression expression) {}

    private final List<Rule> rules;
    private final GenericDatumWriter<Object> jsonWriter;
    private final GenericDatumReader<Object> jsonReader;

    public MigrationRulesStep(Schema source, Schema target, List<Rule> rules, String description) {
        super(source, target, description, false);
        this.rules = List.copyOf(rules);
        this.jsonWriter = new GenericDatumWriter<>(source, GenericData.get());
        this.jsonReader = new GenericDatumReader<>(target, target, GenericData.get());
    }

    /**
     * The rules of {@code ruleSet} (a registry {@code ruleSet} document, may be null) for one
     * direction.
     *
     * @param upgrade true for the step from the previous version to the schema holding the rules
     * @throws TranslationException {@link Reason#INCOMPATIBLE} for an enabled rule of a type other
     *                              than JSONATA, or an expression that does not parse
     */
    public static List<Rule> rules(@Nullable JsonNode ruleSet, boolean upgrade, Duration timeout, int maxDepth) {
        List<Rule> out = new ArrayList<>();
        if (ruleSet == null) {
            return out;
        }
        for (JsonNode r : ruleSet.path("migrationRules")) {
            if (r.path("disabled").asBoolean(false)) {
                continue;
            }
            String mode = r.path("mode").asText("").toUpperCase(Locale.ROOT);
            boolean applies = "UPDOWN".equals(mode) || (upgrade ? "UPGRADE".equals(mode) : "DOWNGRADE".equals(mode));
            if (!applies) {
                continue;
            }
            String name = r.path("name").asText("(unnamed)");
            String type = r.path("type").asText("");
            if (!"JSONATA".equalsIgnoreCase(type)) {
                throw new TranslationException(
                        Reason.INCOMPATIBLE,
                        "migration rule '" + name + "' has type " + type
                                + "; only JSONATA migration rules can be applied");
            }
            try {
                out.add(new Rule(
                        name, mode, new JsonataExpression(r.path("expr").asText(), timeout, maxDepth)));
            } catch (IllegalArgumentException e) {
                throw new TranslationException(Reason.INCOMPATIBLE, "migration rule '" + name + "': " + e.getMessage());
            }
        }
        return out;
    }

    /** The rules applied, in order. */
    public List<Rule> rulesApplied() {
        return rules;
    }

    @Override
    protected Object transform(Object sourceValue) {
        Object json;
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            JsonEncoder enc = EncoderFactory.get().jsonEncoder(source(), bos);
            jsonWriter.write(sourceValue, enc);
            enc.flush();
            json = JSON.readValue(bos.toByteArray(), Object.class);
        } catch (IOException e) {
            throw new TranslationException(
                    Reason.RULE_FAILED, "cannot render the record as JSON for migration rules: " + e.getMessage());
        }
        for (Rule rule : rules) {
            try {
                json = rule.expression().evaluate(json);
            } catch (TranslationException e) {
                throw new TranslationException(
                        Reason.RULE_FAILED,
                        "migration rule '" + rule.name() + "' (" + rule.mode() + ") failed: " + e.getRawMessage(),
                        "",
                        null,
                        -1,
                        -1,
                        e);
            }
        }
        try {
            String text = JSON.writeValueAsString(json);
            return jsonReader.read(null, DecoderFactory.get().jsonDecoder(target(), text));
        } catch (IOException | RuntimeException e) {
            throw new TranslationException(
                    Reason.RULE_FAILED,
                    "the output of the migration rules of " + description() + " is not a valid "
                            + target().getFullName() + ": " + e.getMessage(),
                    "",
                    null,
                    -1,
                    -1,
                    e);
        }
    }
}
