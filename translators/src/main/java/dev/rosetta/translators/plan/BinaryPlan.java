package dev.rosetta.translators.plan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Resolver;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.jspecify.annotations.Nullable;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;

/**
 * Avro schema resolution (writer schema to reader schema) compiled into a binary-to-binary
 * program: the Avro binary body of a writer record goes in, the Avro binary body of the same
 * record in the reader schema comes out, without building a {@code GenericRecord}. Unchanged
 * fields are copied as byte spans; promotions, enum re-indexing, union re-indexing and defaults
 * are applied in place.
 *
 * <p>Semantics are Avro's own: the plan is compiled from {@link Resolver#resolve(Schema, Schema)},
 * so field matching by name and reader aliases, promotions (int to long/float/double, long to
 * float/double, float to double, string and bytes), enum defaults, union branch matching, nested
 * records, arrays and maps behave exactly as {@code GenericDatumReader(writer, reader)}. On top,
 * logical types must agree where both sides declare one (a {@code timestamp-millis} long is never
 * silently read as {@code timestamp-micros}, a decimal never changes scale): such a change is
 * {@link Reason#INCOMPATIBLE} unless a step converts the value.
 *
 * <p>Unlike Avro's reader, a plan bounds what a payload can make it do beyond its bytes: records nest at most 500
 * levels deep, at most 2<sup>20</sup> array items that take no bytes (nulls, empty records) are read per payload, and
 * a block that declares its byte size must take exactly that; beyond, the payload is
 * {@link Reason#CORRUPT_PAYLOAD}. (Avro's reader overflows the stack on the first and loops or allocates without
 * limit on the second.)
 *
 * <p>Incompatibilities that every record would hit fail {@link #compile}; those that depend on the
 * data (a writer union branch or enum symbol the reader cannot take) fail {@link #translate} only
 * for records that carry them, with the field path.
 *
 * <p>Immutable and thread-safe; {@link #translate} allocates nothing on success (a thread-local
 * cursor is reused). Cost of compile: proportional to schema size; do it once per schema pair.
 */
public final class BinaryPlan {
    static final ThreadLocal<Input> INPUT = ThreadLocal.withInitial(Input::new);

    private final Schema writer;
    private final Schema reader;
    private final Node root;

    private BinaryPlan(Schema writer, Schema reader, Node root) {
        this.writer = writer;
        this.reader = reader;
        this.root = root;
    }

    /**
     * Compiles the resolution of {@code writer} data into {@code reader} shape.
     *
     * @throws TranslationException {@link Reason#INCOMPATIBLE} with the field path of the first
     *                              difference that no record could be translated across
     */
    public static BinaryPlan compile(Schema writer, Schema reader) {
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(reader, "reader");
        Resolver.Action action = Resolver.resolve(writer, reader);
        Compiler c = new Compiler();
        Node root = c.compile(action, "", false);
        return new BinaryPlan(writer, reader, root);
    }

    /** The writer schema the plan reads. */
    public Schema writer() {
        return writer;
    }

    /** The reader schema the plan writes. */
    public Schema reader() {
        return reader;
    }

    /** True when output bytes always equal input bytes (schemas resolve without any change). */
    public boolean isIdentity() {
        return root.identity();
    }

    /**
     * Translates one Avro binary body at {@code src[off, off + len)}, appending the result to
     * {@code out}. On failure {@code out} is truncated back to its size at entry.
     *
     * @throws TranslationException {@link Reason#SHORT_PAYLOAD} / {@link Reason#CORRUPT_PAYLOAD}
     *                              if the bytes do not decode with the writer schema (including
     *                              trailing bytes), {@link Reason#INCOMPATIBLE} for a value the
     *                              reader cannot take; each with the field path
     */
    public void translate(byte[] src, int off, int len, OutputBuffer out) {
        Input in = INPUT.get();
        in.reset(src, off, len);
        int mark = out.size();
        try {
            root.run(in, out);
            if (in.pos != in.limit) {
                throw new PlanFailure(
                        Reason.CORRUPT_PAYLOAD,
                        (in.limit - in.pos) + " bytes left after the record: the payload was not written with schema "
                                + writer.getFullName());
            }
        } catch (PlanFailure f) {
            out.truncate(mark);
            throw f.toException();
        } catch (RuntimeException e) { // e.g. an index out of range inside a corrupt length
            out.truncate(mark);
            throw new TranslationException(
                    Reason.CORRUPT_PAYLOAD, "payload does not decode: " + e, "", null, -1, -1, e);
        } finally {
            in.buf = Input.NO_BYTES; // do not pin the caller's array
        }
    }

    private static final class Compiler {
        private final Map<Resolver.Action, Node> done = new IdentityHashMap<>();
        private final Map<Schema, Skipper> skippers = new IdentityHashMap<>();

        Skipper skipper(Schema s) {
            return Skipper.of(s, skippers);
        }

        /**
         * @param path        dotted path for error messages
         * @param conditional true under a writer union branch: errors become runtime failures
         */
        Node compile(Resolver.Action a, String path, boolean conditional) {
            Node known = done.get(a);
            if (known != null) {
                return known;
            }
            switch (a.type) {
                case DO_NOTHING:
                    checkLogical(a.writer, a.reader, path);
                    return new Node.Copy(skipper(a.writer));
                case PROMOTE:
                    checkLogical(a.writer, a.reader, path);
                    return promote(a.writer.getType(), a.reader.getType(), a.writer);
                case ENUM: {
                    Resolver.EnumAdjust e = (Resolver.EnumAdjust) a;
                    if (e.noAdjustmentsNeeded) {
                        return new Node.Copy(skipper(a.writer)); // copied, once its index is one of the symbols
                    }
                    return new Node.EnumMap(
                            e.adjustments.clone(),
                            a.writer.getEnumSymbols().toArray(new String[0]),
                            a.reader.getFullName());
                }
                case CONTAINER: {
                    Resolver.Container c = (Resolver.Container) a;
                    boolean map = a.writer.getType() == Schema.Type.MAP;
                    Node item = compile(c.elementAction, path + (map ? "{}" : "[]"), conditional);
                    if (item.identity()) {
                        return new Node.Copy(skipper(a.writer));
                    }
                    return new Node.Container(
                            item,
                            map,
                            !map && skipper(a.writer.getElementType()).empty());
                }
                case RECORD:
                    return record((Resolver.RecordAdjust) a, path, conditional);
                case WRITER_UNION: {
                    Resolver.WriterUnion u = (Resolver.WriterUnion) a;
                    List<Schema> wTypes = a.writer.getTypes();
                    Node[] branches = new Node[u.actions.length];
                    boolean allIdentity = true;
                    for (int i = 0; i < branches.length; i++) {
                        String bp = path + "<" + branchName(wTypes.get(i)) + ">";
                        Node n = compile(u.actions[i], bp, true);
                        if (u.unionEquiv) {
                            // equivalent unions: Resolver resolves branch i against reader branch i
                            // without a ReaderUnion wrapper, so the index is kept as it is
                            allIdentity &= n.identity();
                            n = new Node.ReaderUnion(i, n);
                        } else if (!(n instanceof Node.ReaderUnion ru && ru.index == i && ru.actual.identity())) {
                            allIdentity = false;
                        }
                        branches[i] = n;
                    }
                    if (allIdentity) {
                        return new Node.Copy(skipper(a.writer));
                    }
                    return new Node.WriterUnion(branches);
                }
                case READER_UNION: {
                    Resolver.ReaderUnion ru = (Resolver.ReaderUnion) a;
                    return new Node.ReaderUnion(ru.firstMatch, compile(ru.actualAction, path, conditional));
                }
                case ERROR: {
                    Resolver.ErrorAction e = (Resolver.ErrorAction) a;
                    String msg = describe(e, path);
                    if (!conditional) {
                        throw new TranslationException(Reason.INCOMPATIBLE, msg, trim(path), null, -1, -1, null);
                    }
                    return new Node.Fail(Reason.INCOMPATIBLE, msg);
                }
                case SKIP:
                default:
                    throw new IllegalStateException("unexpected resolver action " + a.type + " at " + path);
            }
        }

        private static String trim(String path) {
            return path.startsWith(".") ? path.substring(1) : path;
        }

        private static String branchName(Schema s) {
            return s.getType() == Schema.Type.RECORD
                            || s.getType() == Schema.Type.ENUM
                            || s.getType() == Schema.Type.FIXED
                    ? s.getName()
                    : s.getType().getName();
        }

        private static String describe(Resolver.ErrorAction e, String path) {
            String where = path.isEmpty() ? "the root" : trim(path);
            switch (e.error) {
                case MISSING_REQUIRED_FIELD: {
                    List<String> missing = new ArrayList<>();
                    for (Schema.Field rf : e.reader.getFields()) {
                        if (!rf.hasDefaultValue() && findWriterField(e.writer, rf) == null) {
                            missing.add(rf.name());
                        }
                    }
                    return "reader field(s) " + missing + " of " + e.reader.getFullName()
                            + " have no default and no matching writer field at " + where;
                }
                case NO_MATCHING_BRANCH:
                    return "writer type " + typeName(e.writer) + " matches no branch of reader union "
                            + typeName(e.reader) + " at " + where;
                case NAMES_DONT_MATCH:
                    return "writer type " + e.writer.getFullName() + " and reader type " + e.reader.getFullName()
                            + " have different names at " + where;
                case SIZES_DONT_MATCH:
                    return "fixed sizes differ (" + e.writer.getFixedSize() + " vs " + e.reader.getFixedSize() + ") at "
                            + where;
                default:
                    return "writer type " + typeName(e.writer) + " cannot be read as " + typeName(e.reader) + " at "
                            + where;
            }
        }

        private static String typeName(Schema s) {
            return s.getType() == Schema.Type.UNION
                    ? s.toString()
                    : (s.getLogicalType() != null
                            ? s.getType().getName() + "(" + s.getLogicalType().getName() + ")"
                            : branchName(s));
        }

        static Schema.@Nullable Field findWriterField(Schema writer, Schema.Field readerField) {
            Schema.Field f = writer.getField(readerField.name());
            if (f != null) {
                return f;
            }
            for (String alias : readerField.aliases()) {
                f = writer.getField(alias);
                if (f != null) {
                    return f;
                }
            }
            return null;
        }

        private void checkLogical(Schema w, Schema r, String path) {
            String problem = logicalTypeChange(w, r);
            if (problem != null) {
                String msg = problem + " at " + (path.isEmpty() ? "the root" : trim(path))
                        + ": values would change meaning; declare a convert operation for this field";
                // refused at compile time even under a union branch: a silent unit change is never right
                throw new TranslationException(Reason.INCOMPATIBLE, msg, trim(path), null, -1, -1, null);
            }
        }

        private Node promote(Schema.Type w, Schema.Type r, Schema writer) {
            if (w == Schema.Type.INT && r == Schema.Type.LONG) {
                return new Node.Copy(Skipper.INT); // same zig-zag varint encoding (of an int: at most 5 bytes)
            }
            if ((w == Schema.Type.STRING && r == Schema.Type.BYTES)
                    || (w == Schema.Type.BYTES && r == Schema.Type.STRING)) {
                return new Node.Copy(Skipper.LENGTH_PREFIXED);
            }
            Node.Promotion p;
            if (w == Schema.Type.INT && r == Schema.Type.FLOAT) {
                p = Node.Promotion.INT_FLOAT;
            } else if (w == Schema.Type.INT && r == Schema.Type.DOUBLE) {
                p = Node.Promotion.INT_DOUBLE;
            } else if (w == Schema.Type.LONG && r == Schema.Type.FLOAT) {
                p = Node.Promotion.LONG_FLOAT;
            } else if (w == Schema.Type.LONG && r == Schema.Type.DOUBLE) {
                p = Node.Promotion.LONG_DOUBLE;
            } else if (w == Schema.Type.FLOAT && r == Schema.Type.DOUBLE) {
                p = Node.Promotion.FLOAT_DOUBLE;
            } else {
                throw new IllegalStateException("unsupported promotion " + w + " -> " + r + " for " + writer);
            }
            return new Node.Promote(p);
        }

        private Node record(Resolver.RecordAdjust ra, String path, boolean conditional) {
            RecordNode node = new RecordNode();
            done.put(ra, node); // recursive schemas refer back to this node
            Schema w = ra.writer;
            Schema r = ra.reader;
            List<Schema.Field> wFields = w.getFields();
            List<Schema.Field> rFields = r.getFields();

            // writer field index -> reader field, by the order Resolver matched them
            int[] readerPosOfWriter = new int[wFields.size()];
            Node[] writerNodes = new Node[wFields.size()];
            int k = 0;
            for (int i = 0; i < wFields.size(); i++) {
                Resolver.Action fa = ra.fieldActions[i];
                if (fa.type == Resolver.Action.Type.SKIP) {
                    readerPosOfWriter[i] = -1;
                } else {
                    Schema.Field rf = ra.readerOrder[k++];
                    readerPosOfWriter[i] = rf.pos();
                    writerNodes[i] = compile(fa, path + "." + rf.name(), conditional);
                }
            }
            byte[][] defaults = new byte[rFields.size()][];
            for (int d = ra.firstDefault; d < ra.readerOrder.length; d++) {
                Schema.Field rf = ra.readerOrder[d];
                defaults[rf.pos()] = encodeDefault(rf, ra.defaults[d - ra.firstDefault], path);
            }

            if (ra.noReorder()) {
                List<RecordNode.Segment> program = new ArrayList<>();
                int i = 0;
                boolean identity = ra.firstDefault == ra.readerOrder.length;
                while (i < wFields.size()) {
                    int kind = writerNodes[i] == null
                            ? RecordNode.Segment.SKIP
                            : writerNodes[i].identity() ? RecordNode.Segment.COPY : RecordNode.Segment.RUN;
                    if (kind != RecordNode.Segment.COPY) {
                        identity = false;
                    }
                    if (kind == RecordNode.Segment.RUN) {
                        program.add(new RecordNode.Segment(
                                kind, null, new String[] {wFields.get(i).name()}, writerNodes[i]));
                        i++;
                        continue;
                    }
                    int j = i;
                    while (j < wFields.size()
                            && (kind == RecordNode.Segment.SKIP
                                    ? writerNodes[j] == null
                                    : writerNodes[j] != null && writerNodes[j].identity())) {
                        j++;
                    }
                    Skipper[] sk = new Skipper[j - i];
                    String[] names = new String[j - i];
                    for (int x = i; x < j; x++) {
                        sk[x - i] = skipper(wFields.get(x).schema());
                        names[x - i] = wFields.get(x).name();
                    }
                    program.add(new RecordNode.Segment(kind, sk, names, null));
                    i = j;
                }
                node.program = program.toArray(new RecordNode.Segment[0]);
                ByteArrayOutputStream tail = new ByteArrayOutputStream();
                for (int d = ra.firstDefault; d < ra.readerOrder.length; d++) {
                    byte[] b = defaults[ra.readerOrder[d].pos()];
                    tail.write(b, 0, b.length);
                }
                node.trailingDefaults = tail.size() == 0 ? null : tail.toByteArray();
                node.isIdentity = identity;
            } else {
                node.reordered = true;
                node.writerSkippers = new Skipper[wFields.size()];
                node.writerNames = new String[wFields.size()];
                for (int i = 0; i < wFields.size(); i++) {
                    node.writerSkippers[i] = skipper(wFields.get(i).schema());
                    node.writerNames[i] = wFields.get(i).name();
                }
                node.sourceOf = new int[rFields.size()];
                node.nodes = new Node[rFields.size()];
                node.readerNames = new String[rFields.size()];
                java.util.Arrays.fill(node.sourceOf, -1);
                for (int i = 0; i < wFields.size(); i++) {
                    int rp = readerPosOfWriter[i];
                    if (rp >= 0) {
                        node.sourceOf[rp] = i;
                        node.nodes[rp] = writerNodes[i].identity() ? null : writerNodes[i];
                    }
                }
                for (int x = 0; x < rFields.size(); x++) {
                    node.readerNames[x] = rFields.get(x).name();
                }
                node.defaults = defaults;
                node.isIdentity = false;
            }
            return node;
        }

        private static byte[] encodeDefault(Schema.Field rf, Object value, String path) {
            try {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(bos, null);
                new GenericDatumWriter<Object>(rf.schema(), GenericData.get()).write(value, enc);
                enc.flush();
                return bos.toByteArray();
            } catch (IOException | RuntimeException e) {
                throw new TranslationException(
                        Reason.INCOMPATIBLE,
                        "default of reader field " + rf.name() + " cannot be encoded: " + e.getMessage(),
                        trim(path + "." + rf.name()),
                        null,
                        -1,
                        -1,
                        e);
            }
        }
    }

    /**
     * Describes a logical-type change that would alter a value's meaning if bytes were copied, or
     * null if none: both sides declare a logical type and they differ (by name, or decimal scale).
     */
    public static @Nullable String logicalTypeChange(Schema w, Schema r) {
        LogicalType lw = w.getLogicalType();
        LogicalType lr = r.getLogicalType();
        if (lw == null || lr == null) {
            return null;
        }
        if (!lw.getName().equals(lr.getName())) {
            return "logical type " + lw.getName() + " read as " + lr.getName();
        }
        if (lw instanceof LogicalTypes.Decimal dw && lr instanceof LogicalTypes.Decimal dr) {
            if (dw.getScale() != dr.getScale()) {
                return "decimal scale " + dw.getScale() + " read as scale " + dr.getScale();
            }
            if (dr.getPrecision() < dw.getPrecision()) {
                return "decimal precision " + dw.getPrecision() + " narrowed to " + dr.getPrecision();
            }
        }
        return null;
    }
}
