package dev.rosetta.translators.plan;

import dev.rosetta.translators.TranslationException.Reason;

/** Translates one writer value at the input's position into one reader value at the output's end. */
abstract class Node {
    abstract void run(Input in, OutputBuffer out);

    /** True when output bytes always equal input bytes (a parent may then copy the span). */
    boolean identity() {
        return false;
    }

    /** Copies the writer's bytes as they are. */
    static final class Copy extends Node {
        final Skipper skipper;

        Copy(Skipper skipper) {
            this.skipper = skipper;
        }

        @Override
        void run(Input in, OutputBuffer out) {
            int start = in.pos;
            skipper.skip(in);
            out.write(in.buf, start, in.pos - start);
        }

        @Override
        boolean identity() {
            return true;
        }
    }

    /** Writes precomputed bytes (a reader default), reads nothing. */
    static final class Constant extends Node {
        final byte[] bytes;

        Constant(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        void run(Input in, OutputBuffer out) {
            out.write(bytes, 0, bytes.length);
        }
    }

    /** A writer value the reader cannot represent; fails only if the value actually occurs. */
    static final class Fail extends Node {
        final Reason reason;
        final String message;

        Fail(Reason reason, String message) {
            this.reason = reason;
            this.message = message;
        }

        @Override
        void run(Input in, OutputBuffer out) {
            throw new PlanFailure(reason, message);
        }
    }

    enum Promotion {
        INT_FLOAT,
        INT_DOUBLE,
        LONG_FLOAT,
        LONG_DOUBLE,
        FLOAT_DOUBLE
    }

    static final class Promote extends Node {
        final Promotion kind;

        Promote(Promotion kind) {
            this.kind = kind;
        }

        @Override
        void run(Input in, OutputBuffer out) {
            switch (kind) {
                case INT_FLOAT -> out.writeFloat(in.readInt());
                case INT_DOUBLE -> out.writeDouble(in.readInt());
                // Avro's promotion rules: long to float/double may round, by the specification
                case LONG_FLOAT -> out.writeFloat((float) in.readLong());
                case LONG_DOUBLE -> out.writeDouble((double) in.readLong());
                case FLOAT_DOUBLE -> out.writeDouble(in.readFloat());
                default -> throw new IllegalStateException(kind.name());
            }
        }
    }

    static final class EnumMap extends Node {
        final int[] adjustments;
        final String[] writerSymbols;
        final String readerName;

        EnumMap(int[] adjustments, String[] writerSymbols, String readerName) {
            this.adjustments = adjustments;
            this.writerSymbols = writerSymbols;
            this.readerName = readerName;
        }

        @Override
        void run(Input in, OutputBuffer out) {
            int i = in.readInt();
            if (i < 0 || i >= adjustments.length) {
                throw new PlanFailure(
                        Reason.CORRUPT_PAYLOAD, "enum index " + i + " out of range 0.." + (adjustments.length - 1));
            }
            int r = adjustments[i];
            if (r < 0) {
                throw new PlanFailure(
                        Reason.INCOMPATIBLE,
                        "enum symbol " + writerSymbols[i] + " has no match in reader enum " + readerName
                                + " and the reader enum has no default");
            }
            out.writeLong(r);
        }
    }

    static final class WriterUnion extends Node {
        final Node[] branches;

        WriterUnion(Node[] branches) {
            this.branches = branches;
        }

        @Override
        void run(Input in, OutputBuffer out) {
            int i = in.readInt();
            if (i < 0 || i >= branches.length) {
                throw new PlanFailure(
                        Reason.CORRUPT_PAYLOAD, "union index " + i + " out of range 0.." + (branches.length - 1));
            }
            branches[i].run(in, out);
        }
    }

    static final class ReaderUnion extends Node {
        final int index;
        final Node actual;

        ReaderUnion(int index, Node actual) {
            this.index = index;
            this.actual = actual;
        }

        @Override
        void run(Input in, OutputBuffer out) {
            out.writeLong(index);
            actual.run(in, out);
        }
    }

    /** Arrays and maps whose items change: re-emits each block with a positive count. */
    static final class Container extends Node {
        final Node item;
        final boolean map;
        /** Whether the writer's items take no bytes: their count must be bounded, the bytes do not bound it. */
        final boolean emptyItems;

        Container(Node item, boolean map, boolean emptyItems) {
            this.item = item;
            this.map = map;
            this.emptyItems = emptyItems;
        }

        @Override
        void run(Input in, OutputBuffer out) {
            long index = 0;
            while (true) {
                long n = in.readBlockCount(); // a sized block's size is checked, then dropped: ours differs
                if (n == 0) {
                    out.writeByte(0);
                    return;
                }
                int end = in.blockEnd;
                if (emptyItems) {
                    in.emptyItems(n);
                }
                out.writeLong(n);
                for (long i = 0; i < n; i++, index++) {
                    try {
                        if (map) {
                            int ks = in.pos;
                            in.skipLengthPrefixed();
                            out.write(in.buf, ks, in.pos - ks);
                        }
                        item.run(in, out);
                    } catch (PlanFailure f) {
                        throw f.index(index); // maps: index of the entry in the encoded order
                    }
                }
                in.endBlock(end, n);
            }
        }
    }
}
