package dev.rosetta.config;

import org.jspecify.annotations.Nullable;

import java.nio.file.Path;

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
