package dev.rosetta.translators.spi;

import java.util.Set;

import org.apache.avro.Schema;

import dev.rosetta.translators.step.StepKey;

/**
 * Plugs custom Java translators in through {@link java.util.ServiceLoader}: list the
 * implementation's class name in {@code META-INF/services/dev.rosetta.translators.spi.TranslatorProvider}.
 * A custom step wins over YAML operations and registry rules for the same step, and a declared
 * non-adjacent step (e.g. 1 to 3) is used as a direct pair.
 *
 * <p>Implementations need a public no-argument constructor and must be thread-safe.
 */
public interface TranslatorProvider {
    /** The steps this provider implements. */
    Set<StepKey> steps();

    /**
     * Creates the translator for {@code step}, given the step's resolved schemas. Called once per
     * compiled translator, off the hot path.
     */
    CustomTranslator create(StepKey step, Schema source, Schema target);
}
