package dev.rosetta.translators.ops;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The declarative operations and their YAML form (see {@code translators/src/test/resources/
 * translators/orders-value/1-2.yaml} for a commented example). Stateless, thread-safe.
 */
public final class Operations {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Default bound on one JSONata evaluation. */
    public static final Duration DEFAULT_JSONATA_TIMEOUT = Duration.ofMillis(100);
    /** Default bound on JSONata recursion depth. */
    public static final int DEFAULT_JSONATA_DEPTH = 200;

    private Operations() {}

    /** Conversions of {@code convert}. */
    public enum Conversion {
        CENTS_TO_DECIMAL,
        DECIMAL_TO_CENTS,
        MILLIS_TO_MICROS,
        MICROS_TO_MILLIS,
        TO_STRING,
        TO_INT,
        TO_LONG,
        TO_DOUBLE;

        static Conversion parse(String s) {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    /**
     * Parses one operation from its YAML/JSON form, e.g. {@code {rename: {from: a, to: b}}}.
     *
     * @throws IllegalArgumentException naming the operation and what is wrong
     */
    public static Operation parse(JsonNode node, Duration jsonataTimeout, int jsonataDepth) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw new IllegalArgumentException("an operation is a map with exactly one key (rename, move, add, drop,"
                    + " set, split, merge, mapEnum, convert, compute), got: " + node);
        }
        String kind = node.fieldNames().next();
        JsonNode a = node.get(kind);
        switch (kind) {
            case "rename":
            case "move":
                return new Move(kind, text(a, "from", kind), text(a, "to", kind));
            case "add":
                return new Add(text(a, "field", kind), value(required(a, "default", kind)));
            case "drop":
                return new Drop(text(a, "field", kind));
            case "set":
                return new SetConstant(text(a, "field", kind), value(required(a, "value", kind)));
            case "split": {
                List<String> into = texts(required(a, "into", kind));
                return new Split(
                        text(a, "from", kind),
                        into,
                        a.path("separator").asText(" "),
                        a.path("keep").asBoolean(false));
            }
            case "merge":
                return new Merge(
                        texts(required(a, "from", kind)),
                        text(a, "into", kind),
                        a.path("separator").asText(" "),
                        a.path("keep").asBoolean(false));
            case "mapEnum": {
                Map<String, String> mapping = new LinkedHashMap<>();
                JsonNode m = required(a, "mapping", kind);
                for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    mapping.put(e.getKey(), e.getValue().asText());
                }
                return new MapEnum(
                        text(a, "field", kind),
                        mapping,
                        a.hasNonNull("default") ? a.get("default").asText() : null);
            }
            case "convert": {
                Conversion c;
                try {
                    c = Conversion.parse(text(a, "using", kind));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "convert: unknown conversion '" + a.path("using").asText()
                                    + "'; known: cents-to-decimal, decimal-to-cents, millis-to-micros, micros-to-millis,"
                                    + " to-string, to-int, to-long, to-double");
                }
                return new Convert(text(a, "field", kind), c, a.path("scale").asInt(2));
            }
            case "compute": {
                Duration timeout = a.has("timeoutMs")
                        ? Duration.ofMillis(a.get("timeoutMs").asLong())
                        : jsonataTimeout;
                int depth = a.path("maxDepth").asInt(jsonataDepth);
                return new Compute(
                        text(a, "field", kind), new JsonataExpression(text(a, "expression", kind), timeout, depth));
            }
            default:
                throw new IllegalArgumentException("unknown operation '" + kind + "'; known: rename, move, add, drop,"
                        + " set, split, merge, mapEnum, convert, compute");
        }
    }

    private static JsonNode required(JsonNode a, String key, String kind) {
        if (a == null || !a.has(key)) {
            throw new IllegalArgumentException(kind + ": missing '" + key + "'");
        }
        return a.get(key);
    }

    private static String text(JsonNode a, String key, String kind) {
        JsonNode n = required(a, key, kind);
        if (!n.isTextual() || n.asText().isEmpty()) {
            throw new IllegalArgumentException(kind + ": '" + key + "' must be a non-empty string, got " + n);
        }
        return n.asText();
    }

    private static List<String> texts(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        if (out.isEmpty()) {
            throw new IllegalArgumentException("expected a non-empty list of field names, got " + n);
        }
        return List.copyOf(out);
    }

    /** YAML scalars/maps/lists to tree values (decimals stay exact). */
    static @Nullable Object value(JsonNode n) {
        if (n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToInt() ? (Object) n.intValue() : (Object) n.longValue();
        }
        if (n.isFloatingPointNumber()) {
            return n.decimalValue();
        }
        return JSON.convertValue(n, Object.class);
    }

    @SuppressWarnings("unchecked")
    static @Nullable Object deepCopy(@Nullable Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            m.forEach((k, x) -> c.put((String) k, deepCopy(x)));
            return c;
        }
        if (v instanceof List<?> l) {
            List<Object> c = new ArrayList<>(l.size());
            l.forEach(x -> c.add(deepCopy(x)));
            return c;
        }
        return v;
    }

    /** rename / move: the value at {@code from} goes to {@code to}; absent source: nothing happens. */
    public record Move(String kind, String from, String to) implements Operation {
        public boolean sameParent() {
            int a = from.lastIndexOf('.');
            int b = to.lastIndexOf('.');
            return a == b && (a < 0 || from.substring(0, a).equals(to.substring(0, b)));
        }

        @Override
        public void apply(Map<String, Object> record) {
            Object v = TreePaths.remove(record, TreePaths.split(from));
            if (v != TreePaths.ABSENT) {
                TreePaths.set(record, TreePaths.split(to), v);
            }
        }

        @Override
        public String describe() {
            return kind + " " + from + " -> " + to;
        }
    }

    /** add: sets {@code field} to {@code value} only when absent. */
    public record Add(String field, @Nullable Object value) implements Operation {
        @Override
        public void apply(Map<String, Object> record) {
            String[] p = TreePaths.split(field);
            if (TreePaths.get(record, p) == TreePaths.ABSENT) {
                TreePaths.set(record, p, deepCopy(value));
            }
        }

        @Override
        public String describe() {
            return "add " + field;
        }
    }

    /** drop: removes {@code field} (the target default, if any, applies). */
    public record Drop(String field) implements Operation {
        @Override
        public void apply(Map<String, Object> record) {
            TreePaths.remove(record, TreePaths.split(field));
        }

        @Override
        public String describe() {
            return "drop " + field;
        }
    }

    /** set: overwrites {@code field} with a constant. */
    public record SetConstant(String field, @Nullable Object value) implements Operation {
        @Override
        public void apply(Map<String, Object> record) {
            TreePaths.set(record, TreePaths.split(field), deepCopy(value));
        }

        @Override
        public String describe() {
            return "set " + field;
        }
    }

    /** split: a string field into several fields at a separator (last field takes the rest). */
    public record Split(String from, List<String> into, String separator, boolean keep) implements Operation {
        @Override
        public void apply(Map<String, Object> record) {
            String[] p = TreePaths.split(from);
            Object v = keep ? TreePaths.get(record, p) : TreePaths.remove(record, p);
            if (v == TreePaths.ABSENT) {
                return;
            }
            if (v != null && !(v instanceof CharSequence)) {
                throw AvroTree.fail(from, "split expects a string, got " + AvroTree.describe(v));
            }
            String[] parts = v == null
                    ? new String[0]
                    : v.toString().split(java.util.regex.Pattern.quote(separator), into.size());
            for (int i = 0; i < into.size(); i++) {
                TreePaths.set(
                        record, TreePaths.split(into.get(i)), v == null ? null : i < parts.length ? parts[i] : "");
            }
        }

        @Override
        public String describe() {
            return "split " + from + " -> " + into;
        }
    }

    /** merge: joins several fields (nulls skipped) into one string. */
    public record Merge(List<String> from, String into, String separator, boolean keep) implements Operation {
        @Override
        public void apply(Map<String, Object> record) {
            StringBuilder sb = new StringBuilder();
            boolean any = false;
            for (String f : from) {
                String[] p = TreePaths.split(f);
                Object v = keep ? TreePaths.get(record, p) : TreePaths.remove(record, p);
                if (v == TreePaths.ABSENT || v == null) {
                    continue;
                }
                if (any) {
                    sb.append(separator);
                }
                sb.append(v);
                any = true;
            }
            TreePaths.set(record, TreePaths.split(into), sb.toString());
        }

        @Override
        public String describe() {
            return "merge " + from + " -> " + into;
        }
    }

    /** mapEnum: replaces symbols by the mapping; unmapped symbols stay, or become {@code fallback} if given. */
    public record MapEnum(
            String field,
            Map<String, String> mapping,
            @Nullable String fallback) implements Operation {
        @Override
        public void apply(Map<String, Object> record) {
            String[] p = TreePaths.split(field);
            Object v = TreePaths.get(record, p);
            if (v == TreePaths.ABSENT || v == null) {
                return;
            }
            String mapped = mapping.get(v.toString());
            if (mapped != null) {
                TreePaths.set(record, p, mapped);
            } else if (fallback != null) {
                TreePaths.set(record, p, fallback);
            }
        }

        @Override
        public String describe() {
            return "mapEnum " + field;
        }
    }

    /** convert: changes a field's type or unit. */
    public record Convert(String field, Conversion using, int scale) implements Operation {
        @Override
        public void apply(Map<String, Object> record) {
            String[] p = TreePaths.split(field);
            Object v = TreePaths.get(record, p);
            if (v == TreePaths.ABSENT || v == null) {
                return;
            }
            TreePaths.set(record, p, convert(v));
        }

        private Object convert(Object v) {
            try {
                switch (using) {
                    case CENTS_TO_DECIMAL:
                        return BigDecimal.valueOf(((Number) v).longValue(), scale);
                    case DECIMAL_TO_CENTS:
                        return new BigDecimal(v.toString())
                                .movePointRight(scale)
                                .setScale(0, RoundingMode.UNNECESSARY)
                                .longValueExact();
                    case MILLIS_TO_MICROS:
                        return Math.multiplyExact(((Number) v).longValue(), 1000L);
                    case MICROS_TO_MILLIS:
                        return Math.floorDiv(((Number) v).longValue(), 1000L); // drops sub-millisecond precision
                    case TO_STRING:
                        return v instanceof BigDecimal bd ? bd.toPlainString() : v.toString();
                    case TO_INT:
                        return new BigDecimal(v.toString()).intValueExact();
                    case TO_LONG:
                        return new BigDecimal(v.toString()).longValueExact();
                    case TO_DOUBLE:
                        return Double.parseDouble(v.toString());
                    default:
                        throw new IllegalStateException(using.name());
                }
            } catch (ArithmeticException | NumberFormatException | ClassCastException e) {
                throw AvroTree.fail(
                        field,
                        "convert "
                                + using.name()
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .replace('_', '-') + " failed for " + AvroTree.describe(v) + ": "
                                + e.getMessage());
            }
        }

        @Override
        public String describe() {
            return "convert " + field + " " + using;
        }
    }

    /** compute: sets {@code field} to a JSONata expression evaluated on the whole record. */
    public record Compute(String field, JsonataExpression expression) implements Operation {
        @Override
        public void apply(Map<String, Object> record) {
            Object v;
            try {
                v = expression.evaluate(record);
            } catch (dev.rosetta.translators.TranslationException e) {
                Throwable cause = e.getCause(); // the JSONata failure, when there was one
                throw AvroTree.fail(
                        field,
                        "compute failed: " + (cause != null ? cause.getMessage() : e.getRawMessage()) + " in: "
                                + expression.source());
            }
            TreePaths.set(record, TreePaths.split(field), v);
        }

        @Override
        public String describe() {
            return "compute " + field + " = " + expression.source();
        }
    }
}
