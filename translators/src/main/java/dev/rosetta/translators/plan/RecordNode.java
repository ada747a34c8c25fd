package dev.rosetta.translators.plan;

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
        final Skipper[] skippers; // COPY, SKIP: the writer fields covered
        final String[] names;     // writer field names covered, for failure paths
        final Node node;          // RUN

        Segment(int kind, Skipper[] skippers, String[] names, Node node) {
            this.kind = kind;
            this.skippers = skippers;
            this.names = names;
            this.node = node;
        }
    }

    // in-order program
    Segment[] program;
    byte[] trailingDefaults;

    // reordered program
    boolean reordered;
    Skipper[] writerSkippers;
    String[] writerNames;
    /** Per reader field: writer field index, or -1 for a default. */
    int[] sourceOf;
    /** Per reader field: node when the value changes, null when the span is copied as is. */
    Node[] nodes;
    byte[][] defaults;
    String[] readerNames;

    boolean isIdentity;

    @Override
    boolean identity() {
        return isIdentity;
    }

    @Override
    void run(Input in, OutputBuffer out) {
        if (!reordered) {
            runInOrder(in, out);
        } else {
            runReordered(in, out);
        }
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
                        s.node.run(in, out);
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
