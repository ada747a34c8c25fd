package dev.rosetta.translators.verify;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.jspecify.annotations.Nullable;

/**
 * Generates synthetic values of an Avro schema in the generic representation
 * ({@link GenericRecord}, {@link GenericData.EnumSymbol}, {@link ByteBuffer}, ...).
 *
 * <p>{@link #edgeCases(Schema)} returns a systematic set: record number {@code v} takes, at every
 * choice point, option {@code v mod options}, so every union branch, every enum symbol, null,
 * empty / single / large arrays and maps, empty / non-ASCII / long strings, edge numbers
 * (0, -1, min, max, NaN, infinities) and logical-type edge values all occur at every location.
 * {@link #random(Schema, int, long)} adds seeded random records. Recursive schemas stop at a fixed
 * depth by choosing null or empty branches.
 *
 * <p>Not thread-safe (holds a {@link Random}); cheap to create. Cost: proportional to the
 * produced data (large arrays hold 1000 items).
 */
public final class RecordGenerator {
    private static final int MAX_DEPTH = 4;
    private static final int MAX_VARIANTS = 48;
    private static final long[] LONGS = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, 63, -64, 1_700_000_000_000L};
    private static final int[] INTS = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 63, -64, 1_000_000};
    private static final double[] DOUBLES = {
        0.0,
        -0.0,
        1.5,
        -1.5,
        Double.MAX_VALUE,
        Double.MIN_VALUE,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY
    };
    private static final float[] FLOATS = {
        0f, -0f, 1.5f, Float.MAX_VALUE, Float.MIN_VALUE, Float.NaN, Float.NEGATIVE_INFINITY
    };
    private static final String[] STRINGS = {"", "a", "Grüße 漢字 😀", "x".repeat(5000), "with \"quotes\" and \\"};

    private final Random random;
    private int variant;
    private boolean randomMode;

    public RecordGenerator(long seed) {
        this.random = new Random(seed);
    }

    /** The number of systematic variants needed to visit every option at every location. */
    public static int variantCount(Schema schema) {
        return Math.min(MAX_VARIANTS, Math.max(3, options(schema, new HashMap<>(), 0)));
    }

    private static int options(Schema s, Map<Schema, Boolean> seen, int depth) {
        if (depth > MAX_DEPTH) {
            return 1;
        }
        switch (s.getType()) {
            case UNION: {
                int m = s.getTypes().size();
                for (Schema b : s.getTypes()) {
                    m = Math.max(m, options(b, seen, depth + 1));
                }
                return m;
            }
            case ENUM:
                return s.getEnumSymbols().size();
            case RECORD: {
                if (seen.containsKey(s)) {
                    return 1;
                }
                seen.put(s, true);
                int m = 1;
                for (Schema.Field f : s.getFields()) {
                    m = Math.max(m, options(f.schema(), seen, depth + 1));
                }
                seen.remove(s);
                return m;
            }
            case ARRAY:
                return Math.max(3, options(s.getElementType(), seen, depth + 1));
            case MAP:
                return Math.max(3, options(s.getValueType(), seen, depth + 1));
            case LONG:
                return LONGS.length;
            case INT:
                return INTS.length;
            case DOUBLE:
                return DOUBLES.length;
            case FLOAT:
                return FLOATS.length;
            case STRING:
                return STRINGS.length;
            default:
                return 2;
        }
    }

    /** Systematic edge-case values; see the class comment. */
    public List<Object> edgeCases(Schema schema) {
        int n = variantCount(schema);
        List<Object> out = new ArrayList<>(n);
        randomMode = false;
        for (int v = 0; v < n; v++) {
            variant = v;
            out.add(value(schema, 0, v));
        }
        return out;
    }

    /** {@code count} random values from a seeded generator. */
    public List<Object> random(Schema schema, int count, long seed) {
        random.setSeed(seed);
        randomMode = true;
        List<Object> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(value(schema, 0, 0));
        }
        return out;
    }

    private int pick(int options, int salt) {
        if (randomMode) {
            return random.nextInt(options);
        }
        return Math.floorMod(variant + salt, options);
    }

    private @Nullable Object value(Schema s, int depth, int salt) {
        LogicalType lt = s.getLogicalType();
        if (lt != null) {
            Object v = logical(s, lt, salt);
            if (v != null) {
                return v;
            }
        }
        switch (s.getType()) {
            case NULL:
                return null;
            case BOOLEAN:
                return pick(2, salt) == 1;
            case INT:
                return randomMode ? random.nextInt() : INTS[pick(INTS.length, salt)];
            case LONG:
                return randomMode ? random.nextLong() : LONGS[pick(LONGS.length, salt)];
            case FLOAT:
                return randomMode ? random.nextFloat() * 1000 : FLOATS[pick(FLOATS.length, salt)];
            case DOUBLE:
                return randomMode ? random.nextGaussian() * 1e6 : DOUBLES[pick(DOUBLES.length, salt)];
            case STRING:
                return randomMode ? randomString() : STRINGS[pick(STRINGS.length, salt)];
            case BYTES: {
                int len = randomMode ? random.nextInt(20) : new int[] {0, 1, 300}[pick(3, salt)];
                byte[] b = new byte[len];
                for (int i = 0; i < len; i++) {
                    b[i] = (byte) (i * 31 + salt);
                }
                return ByteBuffer.wrap(b);
            }
            case FIXED: {
                byte[] b = new byte[s.getFixedSize()];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) (randomMode ? random.nextInt() : (i + variant) * 7);
                }
                return new GenericData.Fixed(s, b);
            }
            case ENUM: {
                List<String> symbols = s.getEnumSymbols();
                return new GenericData.EnumSymbol(s, symbols.get(pick(symbols.size(), salt)));
            }
            case UNION: {
                List<Schema> types = s.getTypes();
                int b = pick(types.size(), salt);
                if (depth >= MAX_DEPTH) {
                    b = shallowestBranch(types);
                }
                return value(types.get(b), depth + 1, salt + 1);
            }
            case ARRAY: {
                int len = size(depth, salt);
                List<Object> list = new GenericData.Array<>(len, s);
                for (int i = 0; i < len; i++) {
                    list.add(value(s.getElementType(), depth + 1, salt + i));
                }
                return list;
            }
            case MAP: {
                int len = size(depth, salt);
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < len; i++) {
                    map.put(i == 0 ? "" : "k" + i + (i == 1 ? "ü" : ""), value(s.getValueType(), depth + 1, salt + i));
                }
                return map;
            }
            case RECORD: {
                GenericData.Record r = new GenericData.Record(s);
                int i = 0;
                for (Schema.Field f : s.getFields()) {
                    r.put(f.pos(), value(f.schema(), depth + 1, salt + i++));
                }
                return r;
            }
            default:
                throw new IllegalArgumentException("unsupported type " + s.getType());
        }
    }

    private int size(int depth, int salt) {
        if (depth >= MAX_DEPTH) {
            return 0;
        }
        if (randomMode) {
            return random.nextInt(5);
        }
        return new int[] {0, 1, depth <= 1 ? 1000 : 3}[pick(3, salt)];
    }

    private static int shallowestBranch(List<Schema> types) {
        for (int i = 0; i < types.size(); i++) {
            Schema.Type t = types.get(i).getType();
            if (t != Schema.Type.RECORD && t != Schema.Type.ARRAY && t != Schema.Type.MAP) {
                return i;
            }
        }
        return 0;
    }

    private String randomString() {
        int len = random.nextInt(12);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }

    private @Nullable Object logical(Schema s, LogicalType lt, int salt) {
        if (lt instanceof LogicalTypes.Decimal d) {
            BigInteger max = BigInteger.TEN.pow(d.getPrecision()).subtract(BigInteger.ONE);
            if (s.getType() == Schema.Type.FIXED) {
                // the largest unscaled value the fixed size can hold may be smaller than the precision
                BigInteger byFixed =
                        BigInteger.ONE.shiftLeft(8 * s.getFixedSize() - 1).subtract(BigInteger.ONE);
                max = max.min(byFixed);
            }
            BigInteger unscaled;
            if (randomMode) {
                unscaled = new BigInteger(Math.min(62, max.bitLength()), random).mod(max.add(BigInteger.ONE));
            } else {
                BigInteger[] edges = {BigInteger.ZERO, max, max.negate(), BigInteger.ONE, BigInteger.valueOf(-1)};
                unscaled = edges[pick(edges.length, salt)];
            }
            BigDecimal value = new BigDecimal(unscaled, d.getScale());
            Conversions.DecimalConversion conv = new Conversions.DecimalConversion();
            return s.getType() == Schema.Type.BYTES ? conv.toBytes(value, s, d) : conv.toFixed(value, s, d);
        }
        if ("uuid".equals(lt.getName()) && s.getType() == Schema.Type.STRING) {
            return randomMode
                    ? new UUID(random.nextLong(), random.nextLong()).toString()
                    : new String[] {"00000000-0000-0000-0000-000000000000", "123e4567-e89b-12d3-a456-426614174000"}
                            [pick(2, salt)];
        }
        if (lt instanceof LogicalTypes.Date) {
            return randomMode ? random.nextInt(40_000) : new int[] {0, -1, 19_000, 2_932_896}[pick(4, salt)];
        }
        if (lt instanceof LogicalTypes.TimeMillis) {
            return randomMode ? random.nextInt(86_400_000) : new int[] {0, 86_399_999}[pick(2, salt)];
        }
        if (lt instanceof LogicalTypes.TimeMicros) {
            return randomMode
                    ? (long) random.nextInt(86_400_000) * 1000
                    : new long[] {0, 86_399_999_999L}[pick(2, salt)];
        }
        if (lt instanceof LogicalTypes.TimestampMillis || lt instanceof LogicalTypes.LocalTimestampMillis) {
            return randomMode
                    ? 1_600_000_000_000L + random.nextInt(1_000_000_000)
                    : new long[] {0, -1, 1_700_000_000_123L, 253_402_300_799_999L}[pick(4, salt)];
        }
        if (lt instanceof LogicalTypes.TimestampMicros || lt instanceof LogicalTypes.LocalTimestampMicros) {
            return randomMode
                    ? 1_600_000_000_000_000L + random.nextInt(1_000_000_000)
                    : new long[] {0, -1, 1_700_000_000_123_456L, 253_402_300_799_999_999L}[pick(4, salt)];
        }
        return null;
    }
}
