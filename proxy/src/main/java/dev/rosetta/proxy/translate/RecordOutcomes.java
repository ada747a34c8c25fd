package dev.rosetta.proxy.translate;

import java.util.Arrays;

import dev.rosetta.proxy.translate.TranslationMetrics.Outcome;
import dev.rosetta.translators.Translator;

/**
 * How the records of one batch ended, and which translators they went through. Counted while the
 * batch is rewritten, reported once per partition and only once its outcome is final, for the
 * batches that are delivered (see {@link TranslationMetrics} for why each record counts once).
 * Rejected records are not counted here: a rejection refuses the whole partition. Not thread-safe.
 */
final class RecordOutcomes {
    private int unchanged;
    /** Translated records whose value was already in the right version: only the key changed. */
    private int keyOnly;

    private int failedPassedThrough;
    private int deadLettered;
    /** Records whose value was translated, per translator. */
    private final PerTranslator values = new PerTranslator();
    /** Keys translated, per key translator (the record's outcome is counted by its value, or as key-only). */
    private final PerTranslator keys = new PerTranslator();

    /** A record already in the expected version, key and value. */
    void unchanged() {
        unchanged++;
    }

    /** A record whose value was translated (its key may have been too: {@link #keyTranslated}). */
    void translated(Translator valueTranslator) {
        values.add(valueTranslator, 1);
    }

    /** A record whose key was translated while its value was already in the right version. */
    void keyOnly() {
        keyOnly++;
    }

    /** A translated key; the record itself is counted by {@link #translated} or {@link #keyOnly}. */
    void keyTranslated(Translator keyTranslator) {
        keys.add(keyTranslator, 1);
    }

    void failedPassedThrough() {
        failedPassedThrough++;
    }

    /** {@code n} records passed through as they came, failed (a batch whose records cannot be read). */
    void failedPassedThrough(int n) {
        failedPassedThrough += n;
    }

    void deadLettered() {
        deadLettered++;
    }

    void add(RecordOutcomes other) {
        unchanged += other.unchanged;
        keyOnly += other.keyOnly;
        failedPassedThrough += other.failedPassedThrough;
        deadLettered += other.deadLettered;
        values.addAll(other.values);
        keys.addAll(other.keys);
    }

    /** Whether every record was translated or already in the right version: none failed. */
    boolean clean() {
        return failedPassedThrough == 0 && deadLettered == 0;
    }

    /** The records counted, each once. */
    int total() {
        return unchanged + keyOnly + failedPassedThrough + deadLettered + values.total();
    }

    void report(TranslationMetrics metrics, String topic, Direction direction) {
        for (int i = 0; i < values.size; i++) {
            Translator t = values.translators[i];
            metrics.translated(topic, direction, t.sourceVersion(), t.targetVersion())
                    .increment(values.counts[i]);
        }
        for (int i = 0; i < keys.size; i++) {
            Translator t = keys.translators[i];
            metrics.keysTranslated(topic, direction, t.sourceVersion(), t.targetVersion())
                    .increment(keys.counts[i]);
        }
        add(metrics, topic, direction, Outcome.TRANSLATED, values.total() + keyOnly);
        add(metrics, topic, direction, Outcome.UNCHANGED, unchanged);
        add(metrics, topic, direction, Outcome.FAILED_PASSED_THROUGH, failedPassedThrough);
        add(metrics, topic, direction, Outcome.DEAD_LETTERED, deadLettered);
    }

    private static void add(TranslationMetrics metrics, String topic, Direction direction, Outcome outcome, int n) {
        if (n > 0) {
            metrics.outcome(topic, direction, outcome).increment(n);
        }
    }

    /**
     * Records per translator; one or two translators per batch, so parallel arrays (no boxing, no
     * hashing), allocated on first use: most batches translate no keys, control batches nothing.
     */
    private static final class PerTranslator {
        private static final Translator[] NO_TRANSLATORS = new Translator[0];
        private static final int[] NO_COUNTS = new int[0];

        private Translator[] translators = NO_TRANSLATORS;
        private int[] counts = NO_COUNTS;
        private int size;

        void add(Translator translator, int n) {
            for (int i = 0; i < size; i++) {
                if (translators[i] == translator) {
                    counts[i] += n;
                    return;
                }
            }
            if (size == translators.length) {
                translators = Arrays.copyOf(translators, Math.max(2, size * 2));
                counts = Arrays.copyOf(counts, Math.max(2, size * 2));
            }
            translators[size] = translator;
            counts[size++] = n;
        }

        void addAll(PerTranslator other) {
            for (int i = 0; i < other.size; i++) {
                add(other.translators[i], other.counts[i]);
            }
        }

        int total() {
            int sum = 0;
            for (int i = 0; i < size; i++) {
                sum += counts[i];
            }
            return sum;
        }
    }
}
