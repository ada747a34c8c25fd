package dev.rosetta.translators.compat;

import org.jspecify.annotations.Nullable;

/**
 * One reason why data of one version cannot be read as another by plain Avro resolution.
 *
 * @param writerVersion version the data is written with
 * @param readerVersion version the consumer reads
 * @param location      JSON pointer into the reader schema (Avro's convention), e.g. {@code /fields/2/type}
 * @param reason        typed reason: Avro's {@code SchemaIncompatibilityType} name, or
 *                      {@code LOGICAL_TYPE_CHANGED} for a logical-type change Avro does not flag
 * @param message       human explanation
 * @param coveredBy     description of the step(s) that translate across it, or null if none
 */
public record Incompatibility(
        int writerVersion,
        int readerVersion,
        String location,
        String reason,
        String message,
        @Nullable String coveredBy) {
    /** True when a declared step handles this difference. */
    public boolean covered() {
        return coveredBy != null;
    }
}
