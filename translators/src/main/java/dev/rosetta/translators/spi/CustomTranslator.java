package dev.rosetta.translators.spi;

import org.apache.avro.generic.GenericRecord;

/**
 * A hand-written translation step, created by a {@link TranslatorProvider}. Receives a record of
 * the step's source schema and returns a record of its target schema (validated by Rosetta
 * before encoding; an invalid result fails the record with RULE_FAILED).
 *
 * <p>Must be thread-safe: the proxy calls it concurrently from its I/O threads, so it must not
 * block either.
 */
public interface CustomTranslator {
    /** Translates one record. Throw any RuntimeException to fail this record (reported as RULE_FAILED). */
    GenericRecord translate(GenericRecord source);

    /** Whether the reverse step restores the input exactly (checked by {@code rosetta verify}). */
    default boolean lossless() {
        return false;
    }
}
