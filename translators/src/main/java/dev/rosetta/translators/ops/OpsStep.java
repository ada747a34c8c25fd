package dev.rosetta.translators.ops;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;
import dev.rosetta.translators.plan.BinaryPlan;
import dev.rosetta.translators.step.ResolutionStep;
import dev.rosetta.translators.step.Step;
import dev.rosetta.translators.step.ValueStep;

/**
 * A step made of declarative {@link Operation}s: the source record's tree goes through each
 * operation in order and is then shaped into the target schema ({@link AvroTree#fromTree}).
 *
 * <p>{@link #compile} prefers a binary plan: when every operation is a same-level rename, an
 * {@code add} of a field the target lacks a default for, or a {@code drop} of a field the target
 * does not have, the operations are folded into the target schema as aliases and defaults and
 * the step runs as a {@link ResolutionStep} (no GenericRecord). Otherwise it runs on values.
 */
public final class OpsStep extends ValueStep {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Operation> operations;

    private OpsStep(Schema source, Schema target, List<Operation> operations, String description, boolean lossless) {
        super(source, target, description, lossless);
        this.operations = List.copyOf(operations);
    }

    /** Compiles {@code operations} from {@code source} to {@code target}; binary when possible. */
    public static Step compile(
            Schema source, Schema target, List<Operation> operations, String description, boolean lossless) {
        Schema folded = foldIntoSchema(target, operations);
        if (folded != null) {
            try {
                return new ResolutionStep(BinaryPlan.compile(source, folded), description + " (binary)", lossless);
            } catch (TranslationException e) {
                // fall through: the value path reports the problem with the operation context
            }
        }
        OpsStep step = new OpsStep(source, target, operations, description, lossless);
        return step;
    }

    /** The operations, in order. */
    public List<Operation> operations() {
        return operations;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected @Nullable Object transform(Object sourceValue) {
        Map<String, Object> tree = (Map<String, Object>)
                Objects.requireNonNull(AvroTree.toTree(sourceValue, source()), "a decoded record has a tree");
        for (int i = 0; i < operations.size(); i++) {
            Operation op = operations.get(i);
            try {
                op.apply(tree);
            } catch (TranslationException e) {
                throw new TranslationException(
                        Reason.RULE_FAILED,
                        "operation #" + (i + 1) + " (" + op.describe() + ") of " + description() + " failed: "
                                + e.getRawMessage(),
                        e.fieldPath(),
                        null,
                        -1,
                        -1,
                        e);
            }
        }
        try {
            return AvroTree.fromTree(tree, target(), "");
        } catch (TranslationException e) {
            throw new TranslationException(
                    Reason.RULE_FAILED,
                    "after the operations of " + description() + ", the record does not fit " + target().getFullName()
                            + ": " + e.getRawMessage(),
                    e.fieldPath(),
                    null,
                    -1,
                    -1,
                    e);
        }
    }

    /**
     * The target schema with renames as aliases and adds as defaults, or null when an operation
     * needs values.
     */
    static @Nullable Schema foldIntoSchema(Schema target, List<Operation> operations) {
        ObjectNode root = (ObjectNode) JSON.valueToTree(readTree(target));
        for (Operation op : operations) {
            if (op instanceof Operations.Move m && m.sameParent()) {
                ObjectNode field = field(root, m.to());
                if (field == null) {
                    return null;
                }
                ArrayNode aliases = field.has("aliases") ? (ArrayNode) field.get("aliases") : field.putArray("aliases");
                aliases.add(m.from().substring(m.from().lastIndexOf('.') + 1));
            } else if (op instanceof Operations.Add a) {
                ObjectNode field = field(root, a.field());
                if (field == null) {
                    return null;
                }
                field.set("default", JSON.valueToTree(a.value()));
            } else if (op instanceof Operations.Drop d) {
                if (field(root, d.field()) != null) {
                    return null; // the target keeps the field: dropping means "use its default", needs values
                }
            } else {
                return null;
            }
        }
        try {
            return new Schema.Parser().parse(root.toString());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static JsonNode readTree(Schema s) {
        try {
            return JSON.readTree(s.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The inline field definition at a dotted path (through records and nullable unions), or null. */
    private static @Nullable ObjectNode field(ObjectNode record, String path) {
        String[] segs = path.split("\\.");
        ObjectNode cur = record;
        for (int i = 0; i < segs.length; i++) {
            ObjectNode f = null;
            for (JsonNode x : cur.path("fields")) {
                if (segs[i].equals(x.path("name").asText())) {
                    f = (ObjectNode) x;
                }
            }
            if (f == null) {
                return null;
            }
            if (i == segs.length - 1) {
                return f;
            }
            JsonNode type = f.get("type");
            if (type.isArray()) {
                JsonNode rec = null;
                for (JsonNode b : type) {
                    if (b.isObject() && "record".equals(b.path("type").asText())) {
                        rec = b;
                    }
                }
                type = rec;
            }
            if (type == null
                    || !type.isObject()
                    || !"record".equals(type.path("type").asText())) {
                return null;
            }
            cur = (ObjectNode) type;
        }
        return null;
    }
}
