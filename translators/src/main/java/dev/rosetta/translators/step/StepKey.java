package dev.rosetta.translators.step;

import java.util.Objects;

/**
 * One step of a subject: from version {@code from} to version {@code to} (either direction).
 *
 * @param subject registry subject, e.g. {@code orders-value}
 * @param from    source version
 * @param to      target version
 */
public record StepKey(String subject, int from, int to) {
    public StepKey {
        Objects.requireNonNull(subject, "subject");
        if (from == to) {
            throw new IllegalArgumentException("a step needs two different versions, got " + from + " -> " + to);
        }
    }

    /** The same step in the other direction. */
    public StepKey reverse() {
        return new StepKey(subject, to, from);
    }

    @Override
    public String toString() {
        return subject + " v" + from + " -> v" + to;
    }
}
