package dev.rosetta.translators.ops;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.jspecify.annotations.Nullable;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;

/**
 * Converts between Avro generic values and a plain JSON-like tree that operations and JSONata work
 * on: records and maps become {@code LinkedHashMap<String, Object>}, arrays {@code List}, strings
 * and enum symbols {@code String}, bytes and fixed {@code byte[]}, decimals {@code BigDecimal},
 * numbers and booleans stay boxed; unions are unwrapped to the branch value.
 *
 * <p>{@link #fromTree} shapes a tree into a target schema strictly: fields are matched by name or
 * alias, missing fields take the target default, extra fields are dropped, numbers convert only
 * when exact, decimals keep their scale exactly; anything else is {@link Reason#RULE_FAILED} with
 * the field path. Stateless and thread-safe.
 */
public final class AvroTree {
    private static final Conversions.DecimalConversion DECIMAL = new Conversions.DecimalConversion();

    private AvroTree() {}

    /** The tree form of a generic value of {@code schema}. */
    public static @Nullable Object toTree(@Nullable Object v, Schema schema) {
        if (v == null) {
            return null;
        }
        switch (schema.getType()) {
            case UNION:
                return toTree(v, schema.getTypes().get(GenericData.get().resolveUnion(schema, v)));
            case RECORD: {
                GenericRecord r = (GenericRecord) v;
                Map<String, Object> m = new LinkedHashMap<>();
                for (Schema.Field f : schema.getFields()) {
                    m.put(f.name(), toTree(r.get(f.pos()), f.schema()));
                }
                return m;
            }
            case MAP: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    m.put(e.getKey().toString(), toTree(e.getValue(), schema.getValueType()));
                }
                return m;
            }
            case ARRAY: {
                Collection<?> c = (Collection<?>) v;
                List<Object> l = new ArrayList<>(c.size());
                for (Object o : c) {
                    l.add(toTree(o, schema.getElementType()));
                }
                return l;
            }
            case STRING:
            case ENUM:
                return v.toString();
            case BYTES: {
                ByteBuffer b = ((ByteBuffer) v).duplicate();
                if (schema.getLogicalType() instanceof LogicalTypes.Decimal d) {
                    return DECIMAL.fromBytes(b, schema, d);
                }
                byte[] out = new byte[b.remaining()];
                b.get(out);
                return out;
            }
            case FIXED: {
                GenericFixed f = (GenericFixed) v;
                if (schema.getLogicalType() instanceof LogicalTypes.Decimal d) {
                    return DECIMAL.fromFixed(f, schema, d);
                }
                return f.bytes().clone();
            }
            default:
                return v; // Integer, Long, Float, Double, Boolean
        }
    }

    /**
     * Shapes {@code tree} into a generic value of {@code target}.
     *
     * @param path dotted path of this value, for messages
     * @throws TranslationException {@link Reason#RULE_FAILED} naming the path and the mismatch
     */
    public static @Nullable Object fromTree(@Nullable Object tree, Schema target, String path) {
        switch (target.getType()) {
            case UNION:
                return union(tree, target, path);
            case NULL:
                if (tree != null) {
                    throw fail(path, "expected null, got " + describe(tree));
                }
                return null;
            default:
                if (tree == null) {
                    throw fail(path, "null is not allowed for " + typeName(target));
                }
        }
        LogicalType lt = target.getLogicalType();
        switch (target.getType()) {
            case RECORD: {
                if (!(tree instanceof Map<?, ?> m)) {
                    throw fail(path, "expected a record " + target.getName() + ", got " + describe(tree));
                }
                GenericData.Record r = new GenericData.Record(target);
                for (Schema.Field f : target.getFields()) {
                    String fp = path.isEmpty() ? f.name() : path + "." + f.name();
                    Object fv = lookup(m, f);
                    if (fv == MISSING) {
                        if (!f.hasDefaultValue()) {
                            throw fail(fp, "field is missing and has no default in " + target.getFullName());
                        }
                        r.put(
                                f.pos(),
                                GenericData.get()
                                        .deepCopy(f.schema(), GenericData.get().getDefaultValue(f)));
                    } else {
                        r.put(f.pos(), fromTree(fv, f.schema(), fp));
                    }
                }
                return r;
            }
            case MAP: {
                if (!(tree instanceof Map<?, ?> m)) {
                    throw fail(path, "expected a map, got " + describe(tree));
                }
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.put(
                            String.valueOf(e.getKey()),
                            fromTree(e.getValue(), target.getValueType(), path + "[\"" + e.getKey() + "\"]"));
                }
                return out;
            }
            case ARRAY: {
                if (!(tree instanceof Collection<?> c)) {
                    throw fail(path, "expected an array, got " + describe(tree));
                }
                GenericData.Array<Object> out = new GenericData.Array<>(c.size(), target);
                int i = 0;
                for (Object o : c) {
                    out.add(fromTree(o, target.getElementType(), path + "[" + i++ + "]"));
                }
                return out;
            }
            case ENUM: {
                String s = tree.toString();
                if (!(tree instanceof CharSequence) && !(tree instanceof GenericEnumSymbol<?>)) {
                    throw fail(path, "expected an enum symbol, got " + describe(tree));
                }
                if (!target.hasEnumSymbol(s)) {
                    if (target.getEnumDefault() != null) {
                        s = target.getEnumDefault();
                    } else {
                        throw fail(
                                path,
                                "symbol " + s + " is not in enum " + target.getFullName() + " "
                                        + target.getEnumSymbols() + " and the enum has no default");
                    }
                }
                return new GenericData.EnumSymbol(target, s);
            }
            case STRING:
                if (tree instanceof CharSequence) {
                    return tree.toString();
                }
                throw fail(path, "expected a string, got " + describe(tree));
            case BOOLEAN:
                if (tree instanceof Boolean) {
                    return tree;
                }
                throw fail(path, "expected a boolean, got " + describe(tree));
            case INT:
                return (int) exactLong(tree, path, Integer.MIN_VALUE, Integer.MAX_VALUE, target);
            case LONG:
                return exactLong(tree, path, Long.MIN_VALUE, Long.MAX_VALUE, target);
            case FLOAT:
                if (tree instanceof Number n) {
                    return n.floatValue();
                }
                throw fail(path, "expected a number, got " + describe(tree));
            case DOUBLE:
                if (tree instanceof Number n) {
                    return n.doubleValue();
                }
                throw fail(path, "expected a number, got " + describe(tree));
            case BYTES:
                if (lt instanceof LogicalTypes.Decimal d) {
                    return DECIMAL.toBytes(decimal(tree, d, path), target, d);
                }
                return ByteBuffer.wrap(bytes(tree, path));
            case FIXED: {
                if (lt instanceof LogicalTypes.Decimal d) {
                    BigDecimal v = decimal(tree, d, path);
                    int needed = v.unscaledValue().bitLength() / 8 + 1;
                    if (needed > target.getFixedSize()) {
                        throw fail(path, "decimal " + v + " does not fit fixed(" + target.getFixedSize() + ")");
                    }
                    return DECIMAL.toFixed(v, target, d);
                }
                byte[] b = bytes(tree, path);
                if (b.length != target.getFixedSize()) {
                    throw fail(path, "expected " + target.getFixedSize() + " bytes, got " + b.length);
                }
                return new GenericData.Fixed(target, b);
            }
            default:
                throw fail(path, "unsupported type " + target.getType());
        }
    }

    private static final Object MISSING = new Object();

    private static Object lookup(Map<?, ?> m, Schema.Field f) {
        if (m.containsKey(f.name())) {
            return m.get(f.name());
        }
        for (String alias : f.aliases()) {
            if (m.containsKey(alias)) {
                return m.get(alias);
            }
        }
        return MISSING;
    }

    private static @Nullable Object union(@Nullable Object tree, Schema union, String path) {
        List<Schema> types = union.getTypes();
        if (tree == null) {
            for (Schema t : types) {
                if (t.getType() == Schema.Type.NULL) {
                    return null;
                }
            }
            throw fail(path, "null is not allowed by union " + union);
        }
        // first pass: a branch whose kind matches the value's kind exactly
        TranslationException last = null;
        for (int pass = 0; pass < 2; pass++) {
            for (Schema t : types) {
                if (t.getType() == Schema.Type.NULL || (pass == 0) != exactKind(tree, t)) {
                    continue;
                }
                try {
                    return fromTree(tree, t, path);
                } catch (TranslationException e) {
                    last = e;
                }
            }
        }
        throw fail(
                path,
                "value " + describe(tree) + " fits no branch of union " + union
                        + (last != null ? " (closest: " + last.getMessage() + ")" : ""));
    }

    private static boolean exactKind(Object v, Schema t) {
        switch (t.getType()) {
            case RECORD:
            case MAP:
                return v instanceof Map;
            case ARRAY:
                return v instanceof Collection;
            case STRING:
                return v instanceof CharSequence && t.getLogicalType() == null;
            case ENUM:
                return v instanceof CharSequence && t.hasEnumSymbol(v.toString());
            case INT:
                return v instanceof Integer;
            case LONG:
                return v instanceof Long;
            case FLOAT:
                return v instanceof Float;
            case DOUBLE:
                return v instanceof Double;
            case BOOLEAN:
                return v instanceof Boolean;
            case BYTES:
            case FIXED:
                return t.getLogicalType() instanceof LogicalTypes.Decimal
                        ? v instanceof BigDecimal
                        : v instanceof byte[];
            default:
                return false;
        }
    }

    private static long exactLong(Object tree, String path, long min, long max, Schema target) {
        long v;
        if (tree instanceof Integer || tree instanceof Long || tree instanceof Short || tree instanceof Byte) {
            v = ((Number) tree).longValue();
        } else if (tree instanceof BigDecimal
                || tree instanceof BigInteger
                || tree instanceof Double
                || tree instanceof Float) {
            BigDecimal d = tree instanceof BigDecimal bd ? bd : new BigDecimal(tree.toString());
            try {
                v = d.longValueExact();
            } catch (ArithmeticException e) {
                throw fail(path, "value " + tree + " is not a whole number fitting " + typeName(target));
            }
        } else {
            throw fail(path, "expected a number, got " + describe(tree));
        }
        if (v < min || v > max) {
            throw fail(path, "value " + v + " does not fit " + typeName(target));
        }
        return v;
    }

    private static BigDecimal decimal(Object tree, LogicalTypes.Decimal d, String path) {
        BigDecimal v;
        if (tree instanceof BigDecimal bd) {
            v = bd;
        } else if (tree instanceof Number || tree instanceof CharSequence) {
            try {
                v = new BigDecimal(tree.toString());
            } catch (NumberFormatException e) {
                throw fail(path, "not a decimal: " + describe(tree));
            }
        } else {
            throw fail(path, "expected a decimal, got " + describe(tree));
        }
        try {
            v = v.setScale(d.getScale(), RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw fail(path, "decimal " + v + " needs more than scale " + d.getScale());
        }
        if (v.precision() > d.getPrecision()) {
            throw fail(path, "decimal " + v + " exceeds precision " + d.getPrecision());
        }
        return v;
    }

    private static byte[] bytes(Object tree, String path) {
        if (tree instanceof byte[] b) {
            return b;
        }
        if (tree instanceof ByteBuffer bb) {
            byte[] b = new byte[bb.remaining()];
            bb.duplicate().get(b);
            return b;
        }
        throw fail(path, "expected bytes, got " + describe(tree));
    }

    static String typeName(Schema s) {
        return s.getLogicalType() != null
                ? s.getType().getName() + "(" + s.getLogicalType().getName() + ")"
                : s.getType().getName();
    }

    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String s = v instanceof byte[] b ? b.length + " bytes" : String.valueOf(v);
        if (s.length() > 60) {
            s = s.substring(0, 60) + "...";
        }
        return v.getClass().getSimpleName() + " " + s;
    }

    static TranslationException fail(String path, String message) {
        return new TranslationException(Reason.RULE_FAILED, message, path, null, -1, -1, null);
    }
}
