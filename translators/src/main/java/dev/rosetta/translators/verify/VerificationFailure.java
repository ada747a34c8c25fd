package dev.rosetta.translators.verify;

/**
 * One kind of failure found while verifying a translation, with the smallest record found that
 * still shows it.
 *
 * @param translation     e.g. {@code v1 -> v2}
 * @param kind            {@code STEP_FAILED} (the step threw), {@code INVALID_OUTPUT} (output does
 *                        not decode with the target schema), or {@code ROUND_TRIP_MISMATCH}
 *                        (a step declared lossless did not restore the input)
 * @param fieldPath       dotted field path of the failure, may be empty
 * @param message         what went wrong
 * @param minimalExample  the shrunk input record, in Avro's JSON-like rendering
 * @param occurrences     how many generated records failed this way
 */
public record VerificationFailure(
        String translation, String kind, String fieldPath, String message, String minimalExample, int occurrences) {}
