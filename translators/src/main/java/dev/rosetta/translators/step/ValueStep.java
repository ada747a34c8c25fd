package dev.rosetta.translators.step;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.jspecify.annotations.Nullable;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;
import dev.rosetta.translators.plan.BodyCheck;
import dev.rosetta.translators.plan.OutputBuffer;

/**
 * A step that needs values: decodes the source body into Avro's generic representation, calls
 * {@link #transform}, checks the result against the target schema and encodes it. Used for
 * declarative operations, JSONata rules and custom Java translators; slower than a
 * {@link ResolutionStep} (one GenericRecord per record).
 *
 * <p>Thread-safe when {@link #transform} is; decoders and encoders are reused per thread.
 */
public abstract class ValueStep implements Step {
    private static final class Codec {
        // null until this thread's first record: Avro allocates one and reuses it from then on
        @Nullable
        BinaryDecoder decoder;

        @Nullable
        BinaryEncoder encoder;

        final Sink sink = new Sink();
    }

    /** Adapts an {@link OutputBuffer} to the OutputStream Avro's encoder writes to. */
    private static final class Sink extends OutputStream {
        /** Set only while {@link #apply} encodes, so a thread does not keep the caller's buffer. */
        @Nullable
        OutputBuffer target;

        @Override
        public void write(int b) {
            target().writeByte(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            target().write(b, off, len);
        }

        private OutputBuffer target() {
            return Objects.requireNonNull(target, "the sink is written only while a step encodes");
        }
    }

    private static final ThreadLocal<Codec> CODEC = ThreadLocal.withInitial(Codec::new);

    private final Schema source;
    private final Schema target;
    /** Checks a body before Avro decodes it: Avro allocates what a length says before reading the bytes. */
    private final BodyCheck check;

    private final GenericDatumReader<Object> reader;
    private final GenericDatumWriter<Object> writer;
    private final String description;
    private final boolean lossless;

    protected ValueStep(Schema source, Schema target, String description, boolean lossless) {
        this.source = source;
        this.target = target;
        this.check = BodyCheck.of(source);
        this.reader = new GenericDatumReader<>(source, source, GenericData.get());
        this.writer = new GenericDatumWriter<>(target, GenericData.get());
        this.description = description;
        this.lossless = lossless;
    }

    /**
     * Turns a decoded source value (a {@link org.apache.avro.generic.GenericRecord} of
     * {@link #source()}) into a value of {@link #target()}.
     *
     * @return the target value; null is reported as a record that does not fit the target schema
     * @throws TranslationException {@link Reason#RULE_FAILED} with a field path
     */
    protected abstract @Nullable Object transform(Object sourceValue);

    @Override
    public final void apply(byte[] src, int off, int len, OutputBuffer out) {
        check.check(src, off, len); // untrusted bytes: lengths, counts and nesting within bounds before Avro reads
        Codec c = CODEC.get();
        Object value;
        try {
            c.decoder = DecoderFactory.get().binaryDecoder(src, off, len, c.decoder);
            value = reader.read(null, c.decoder);
            if (!c.decoder.isEnd()) {
                throw new TranslationException(
                        Reason.CORRUPT_PAYLOAD,
                        "bytes left after the record: the payload was" + " not written with schema "
                                + source.getFullName());
            }
        } catch (EOFException e) {
            throw new TranslationException(
                    Reason.SHORT_PAYLOAD,
                    "payload ends inside a value of " + source.getFullName(),
                    "",
                    null,
                    -1,
                    -1,
                    e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof TranslationException te) {
                throw te;
            }
            throw new TranslationException(
                    Reason.CORRUPT_PAYLOAD,
                    "payload does not decode with " + source.getFullName() + ": " + e.getMessage(),
                    "",
                    null,
                    -1,
                    -1,
                    e);
        }
        Object result;
        try {
            result = transform(value);
        } catch (TranslationException e) {
            throw e;
        } catch (RuntimeException e) { // a value the step's code did not expect, e.g. a decimal of no bytes
            throw new TranslationException(
                    Reason.RULE_FAILED, description + " failed on this record: " + e, "", null, -1, -1, e);
        }
        int mark = out.size();
        c.sink.target = out;
        try {
            // direct (unbuffered): a failed write must leave nothing pending for the next record
            c.encoder = EncoderFactory.get().directBinaryEncoder(c.sink, c.encoder);
            writer.write(result, c.encoder);
            c.encoder.flush();
        } catch (IOException | NullPointerException | ClassCastException | AvroRuntimeException e) {
            out.truncate(mark);
            // Avro's messages name the field ("null value for (non-nullable) string at Order.note")
            throw new TranslationException(
                    Reason.RULE_FAILED,
                    description + " produced a record that is not valid" + " for " + target.getFullName() + ": "
                            + e.getMessage(),
                    "",
                    null,
                    -1,
                    -1,
                    e);
        } finally {
            c.sink.target = null;
        }
    }

    @Override
    public final Schema source() {
        return source;
    }

    @Override
    public final Schema target() {
        return target;
    }

    @Override
    public final boolean lossless() {
        return lossless;
    }

    @Override
    public final String description() {
        return description;
    }
}
