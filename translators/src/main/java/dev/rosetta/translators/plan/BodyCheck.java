package dev.rosetta.translators.plan;

import org.apache.avro.Schema;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;

/**
 * Checks that bytes are exactly one Avro value of a schema, without decoding them and without allocating: every
 * length and count lies within the bytes, union indexes and enum-free structure as the schema says, within the
 * bounds {@link BinaryPlan} keeps (records nested at most 500 deep, at most 2<sup>20</sup> array items that take no
 * bytes). Run it before handing untrusted bytes to Avro's own decoder, which allocates what a length or count says
 * before reading the bytes that should back it (a 5-byte string length asks it for 2 GiB) and recurses without
 * limit.
 *
 * <p>Immutable and thread-safe; compile one per schema.
 */
public final class BodyCheck {
    private final Schema schema;
    private final Skipper skipper;

    private BodyCheck(Schema schema) {
        this.schema = schema;
        this.skipper = Skipper.of(schema);
    }

    public static BodyCheck of(Schema schema) {
        return new BodyCheck(schema);
    }

    /**
     * @throws TranslationException {@link Reason#SHORT_PAYLOAD} or {@link Reason#CORRUPT_PAYLOAD} with the field
     *                              path, when {@code src[off, off + len)} is not one value of the schema
     */
    public void check(byte[] src, int off, int len) {
        Input in = BinaryPlan.INPUT.get();
        in.reset(src, off, len);
        try {
            skipper.skip(in);
            if (in.pos != in.limit) {
                throw new PlanFailure(
                        Reason.CORRUPT_PAYLOAD,
                        (in.limit - in.pos) + " bytes left after the record: the payload was not written with schema "
                                + schema.getFullName());
            }
        } catch (PlanFailure f) {
            throw f.toException();
        } finally {
            in.buf = Input.NO_BYTES; // do not pin the caller's array
        }
    }
}
