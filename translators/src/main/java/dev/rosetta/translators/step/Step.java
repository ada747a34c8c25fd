package dev.rosetta.translators.step;

import org.apache.avro.Schema;

import dev.rosetta.translators.plan.OutputBuffer;

/**
 * One compiled translation step: Avro binary body of the {@link #source()} schema in, Avro
 * binary body of the {@link #target()} schema out.
 *
 * <p>Implementations are immutable and thread-safe, and do all parsing and building when they are
 * created. {@link #apply} either appends a complete record to {@code out} or throws a
 * {@link dev.rosetta.translators.TranslationException} leaving {@code out} as it was.
 */
public interface Step {
    /** Schema of the input body. */
    Schema source();

    /** Schema of the output body. */
    Schema target();

    /** Translates one body at {@code src[off, off + len)}, appending to {@code out}. */
    void apply(byte[] src, int off, int len, OutputBuffer out);

    /** Whether the step promises that the reverse step restores the input exactly (checked by verify). */
    boolean lossless();

    /** A one-line description for reports, e.g. {@code "resolution v1 -> v2"}. */
    String description();
}
