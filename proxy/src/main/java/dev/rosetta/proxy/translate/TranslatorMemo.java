package dev.rosetta.proxy.translate;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import dev.rosetta.translators.Translator;

/**
 * The translators one partition's records used, by (schema id, target version): usually one or
 * two, so a linear scan over primitive arrays; the profile showed boxed map keys on the
 * per-record path. Not thread-safe.
 */
final class TranslatorMemo {
    private int[] schemaIds = new int[4];
    private int[] versions = new int[4];
    private Translator[] translators = new Translator[4];
    private int size;

    /** The translator remembered for ({@code schemaId}, {@code targetVersion}), or null. */
    @Nullable
    Translator get(int schemaId, int targetVersion) {
        for (int i = 0; i < size; i++) {
            if (schemaIds[i] == schemaId && versions[i] == targetVersion) {
                return translators[i];
            }
        }
        return null;
    }

    void put(int schemaId, int targetVersion, Translator translator) {
        if (size == schemaIds.length) {
            schemaIds = Arrays.copyOf(schemaIds, size * 2);
            versions = Arrays.copyOf(versions, size * 2);
            translators = Arrays.copyOf(translators, size * 2);
        }
        schemaIds[size] = schemaId;
        versions[size] = targetVersion;
        translators[size] = translator;
        size++;
    }
}
