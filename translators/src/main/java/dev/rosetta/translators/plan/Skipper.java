package dev.rosetta.translators.plan;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;

import dev.rosetta.translators.TranslationException.Reason;

/**
 * Moves an {@link Input} past one value of a writer schema without decoding it, checking on the way that the
 * bytes are one: lengths and counts within the payload, union branches and sized blocks as declared.
 */
abstract class Skipper {
    abstract void skip(Input in);

    /** Whether values of this type take no bytes at all (null, an empty record, a fixed of size 0). */
    boolean empty() {
        return false;
    }

    static final Skipper NOTHING = new Skipper() {
        @Override
        void skip(Input in) {}

        @Override
        boolean empty() {
            return true;
        }
    };
    /** A long: a varint of at most 10 bytes. */
    static final Skipper VARINT = new Skipper() {
        @Override
        void skip(Input in) {
            in.skipVarint();
        }
    };
    /** An int: a varint of at most 5 bytes that holds 32 bits. */
    static final Skipper INT = new Skipper() {
        @Override
        void skip(Input in) {
            in.readInt();
        }
    };

    static final Skipper LENGTH_PREFIXED = new Skipper() {
        @Override
        void skip(Input in) {
            in.skipLengthPrefixed();
        }
    };
    /** An enum symbol: an int index within its {@code symbols} (Avro's reader refuses one beyond). */
    static Skipper enumIndex(int symbols) {
        return new Skipper() {
            @Override
            void skip(Input in) {
                int i = in.readInt();
                if (i < 0 || i >= symbols) {
                    throw new PlanFailure(
                            Reason.CORRUPT_PAYLOAD, "enum index " + i + " out of range 0.." + (symbols - 1));
                }
            }
        };
    }

    static final Skipper BOOLEAN = fixed(1);
    static final Skipper FLOAT = fixed(4);
    static final Skipper DOUBLE = fixed(8);

    static Skipper fixed(int n) {
        return n == 0
                ? NOTHING
                : new Skipper() {
                    @Override
                    void skip(Input in) {
                        in.skip(n);
                    }
                };
    }

    static Skipper of(Schema s) {
        return of(s, new IdentityHashMap<>());
    }

    static Skipper of(Schema s, Map<Schema, Skipper> seen) {
        switch (s.getType()) {
            case NULL:
                return NOTHING;
            case BOOLEAN:
                return BOOLEAN;
            case INT:
                return INT;
            case ENUM:
                return enumIndex(s.getEnumSymbols().size());
            case LONG:
                return VARINT;
            case FLOAT:
                return FLOAT;
            case DOUBLE:
                return DOUBLE;
            case STRING:
            case BYTES:
                return LENGTH_PREFIXED;
            case FIXED:
                return fixed(s.getFixedSize());
            case ARRAY:
                return new Block(of(s.getElementType(), seen), false);
            case MAP:
                return new Block(of(s.getValueType(), seen), true);
            case UNION: {
                List<Schema> types = s.getTypes();
                Skipper[] branches = new Skipper[types.size()];
                for (int i = 0; i < branches.length; i++) {
                    branches[i] = of(types.get(i), seen);
                }
                return new Union(branches);
            }
            case RECORD: {
                Skipper known = seen.get(s);
                if (known != null) {
                    return known;
                }
                Record r = new Record();
                seen.put(s, r);
                List<Schema.Field> fields = s.getFields();
                r.fields = new Skipper[fields.size()];
                r.names = new String[fields.size()];
                boolean empty = true;
                for (int i = 0; i < r.fields.length; i++) {
                    r.fields[i] = of(fields.get(i).schema(), seen);
                    r.names[i] = fields.get(i).name();
                    empty &= r.fields[i].empty(); // a field of this record itself (recursion) is not empty yet
                }
                r.empty = empty;
                return r;
            }
            default:
                throw new IllegalArgumentException("unknown Avro type " + s.getType());
        }
    }

    static final class Record extends Skipper {
        // filled in after construction: a recursive record's fields refer to the record itself
        Skipper[] fields = new Skipper[0];
        String[] names = new String[0];
        boolean empty;

        @Override
        void skip(Input in) {
            in.enterRecord();
            Skipper[] f = fields;
            for (int i = 0; i < f.length; i++) {
                try {
                    f[i].skip(in);
                } catch (PlanFailure e) {
                    throw e.field(names[i]);
                }
            }
            in.leaveRecord();
        }

        @Override
        boolean empty() {
            return empty;
        }
    }

    static final class Union extends Skipper {
        final Skipper[] branches;

        Union(Skipper[] branches) {
            this.branches = branches;
        }

        @Override
        void skip(Input in) {
            int i = in.readInt();
            if (i < 0 || i >= branches.length) {
                throw new PlanFailure(
                        Reason.CORRUPT_PAYLOAD, "union index " + i + " out of range 0.." + (branches.length - 1));
            }
            branches[i].skip(in);
        }
    }

    static final class Block extends Skipper {
        final Skipper item;
        final boolean map;

        Block(Skipper item, boolean map) {
            this.item = item;
            this.map = map;
        }

        @Override
        void skip(Input in) {
            long index = 0;
            while (true) {
                long n = in.readBlockCount();
                if (n == 0) {
                    return;
                }
                // a sized block (negative count) is walked item by item too, not skipped by its size: a copy of it
                // must be as valid as its items, and its count must be paid for by their bytes
                int end = in.blockEnd;
                if (!map && item.empty()) {
                    in.emptyItems(n);
                }
                for (long i = 0; i < n; i++, index++) {
                    try {
                        if (map) {
                            in.skipLengthPrefixed();
                        }
                        item.skip(in);
                    } catch (PlanFailure e) {
                        throw e.index(index);
                    }
                }
                in.endBlock(end, n);
            }
        }
    }
}
