package dev.rosetta.config;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Where declarative translator definitions live.
 *
 * @param directory       directory of translator files (resolved against the config file's directory), or null for none
 * @param batchCacheBytes the most bytes of rebuilt (translated) fetch batches kept so that other readers of
 *                        the same batches in the same version get them without translating again; 0 (the
 *                        default) for none
 */
public record TranslatorsConfig(@Nullable Path directory, long batchCacheBytes) {
    /**
     * Off: a sidecar's batches have one reader each, and a cached copy of every rebuilt batch would
     * only cost memory and a copy. A gateway in front of several consumer groups turns it on.
     */
    public static final long DEFAULT_BATCH_CACHE_BYTES = 0;

    public TranslatorsConfig {
        if (batchCacheBytes < 0) {
            throw new IllegalArgumentException("batchCacheBytes must be >= 0, got " + batchCacheBytes);
        }
    }

    public TranslatorsConfig(@Nullable Path directory) {
        this(directory, DEFAULT_BATCH_CACHE_BYTES);
    }

    public static TranslatorsConfig none() {
        return new TranslatorsConfig(null);
    }
}
