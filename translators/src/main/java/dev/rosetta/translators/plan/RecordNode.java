package dev.rosetta.translators.plan;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Translates a record. Two shapes, chosen at compile time:
 * <ul>
 *   <li>in order (reader fields matched in writer order, defaults last): one pass; runs of
 *       unchanged fields are skipped over and copied as one span;</li>
 *   <li>reordered: a first pass records where each writer field starts, then reader fields are
 *       emitted in reader order, copying spans of unchanged fields directly.</li>
 * </ul>
 */
final class RecordNode extends Node {
    /** One segment of the in-order program. */
    static final class Segment {
        static final int COPY = 0;
        static final int SKIP = 1;
        static final int RUN = 2;
        final int kind;
        final Skipper[] skippers; // COPY, SKIP: the writer fields covered; empty for RUN
        final String[] names; // writer field names covered, for failure paths
        final @Nullable Node node; // RUN only

        Segment(int kind, Skipper @Nullable [] skippers, String[] names, @Nullable Node node) {
            this.kind = kind;
            this.skippers = skippers != null ? skippers : NO_SKIPPERS;
            this.names = names;
            this.node = node;
        }
    }

    private static final Skipper[] NO_SKIPPERS = new Skipper[0];

    // Filled in by BinaryPlan's compiler after construction (a recursive schema refers to its
    // node before the node is complete); empty until then, and only one program is ever filled.

    // in-order program
    Segment[] program = new Segment[0];
    /** Encoded defaults of the reader fields after the last writer field, or null if none. */
    byte @Nullable [] trailingDefaults;

    // reordered program
    boolean reordered;
    Skipper[] writerSkippers = NO_SKIPPERS;
    String[] writerNames = new String[0];
    /** Per reader field: writer field index, or -1 for a default. */
    int[] sourceOf = new int[0];
    /** Per reader field: node when the value changes, null when the span is copied as is. */
    Node[] nodes = new Node[0];

    byte[][] defaults = new byte[0][];
    String[] readerNames = new String[0];

    boolean isIdentity;

    @Override
    boolean identity() {
        return isIdentity;
    }

    @Override
    void run(Input in, OutputBuffer out) {
        in.enterRecord();
        if (!reordered) {
            runInOrder(in, out);
        } else {
            runReordered(in, out);
        }
        in.leaveRecord();
    }

    private void runInOrder(Input in, OutputBuffer out) {
        for (Segment s : program) {
            switch (s.kind) {
                case Segment.COPY: {
                    int start = in.pos;
                    Skipper[] sk = s.skippers;
                    for (int i = 0; i < sk.length; i++) {
                        try {
                            sk[i].skip(in);
                        } catch (PlanFailure f) {
                            throw f.field(s.names[i]);
                        }
                    }
                    out.write(in.buf, start, in.pos - start);
                    break;
                }
                case Segment.SKIP: {
                    Skipper[] sk = s.skippers;
                    for (int i = 0; i < sk.length; i++) {
                        try {
                            sk[i].skip(in);
                        } catch (PlanFailure f) {
                            throw f.field(s.names[i]);
                        }
                    }
                    break;
                }
                default:
                    try {
                        Objects.requireNonNull(s.node, "a RUN segment has a node")
                                .run(in, out);
                    } catch (PlanFailure f) {
                        throw f.field(s.names[0]);
                    }
            }
        }
        if (trailingDefaults != null) {
            out.write(trailingDefaults, 0, trailingDefaults.length);
        }
    }

    private void runReordered(Input in, OutputBuffer out) {
        int n = writerSkippers.length;
        int base = in.push(n + 1);
        int[] st = in.stack;
        for (int i = 0; i < n; i++) {
            st[base + i] = in.pos;
            try {
                writerSkippers[i].skip(in);
            } catch (PlanFailure f) {
                throw f.field(writerNames[i]);
            }
        }
        st = in.stack;
        int end = in.pos;
        st[base + n] = end;
        for (int r = 0; r < sourceOf.length; r++) {
            int w = sourceOf[r];
            if (w < 0) {
                out.write(defaults[r], 0, defaults[r].length);
            } else if (nodes[r] == null) {
                int from = in.stack[base + w];
                out.write(in.buf, from, in.stack[base + w + 1] - from);
            } else {
                in.pos = in.stack[base + w];
                try {
                    nodes[r].run(in, out);
                } catch (PlanFailure f) {
                    throw f.field(readerNames[r]);
                }
            }
        }
        in.pos = end;
        in.top = base;
    }
}
