package dev.rosetta.config;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Where declarative translator definitions live.
 *
 * @param directory directory of translator files (resolved against the config file's directory), or null for none
 */
public record TranslatorsConfig(@Nullable Path directory) {

    public static TranslatorsConfig none() {
        return new TranslatorsConfig(null);
    }
}
