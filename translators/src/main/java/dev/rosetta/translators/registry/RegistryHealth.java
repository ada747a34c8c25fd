package dev.rosetta.translators.registry;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the registry's reachability, for health endpoints and metrics.
 *
 * <p>{@code up} is false after a request failed without a usable answer (timeout, refused
 * connection, HTTP 5xx) and true again after the next successful exchange. "Not found" answers
 * count as success: the registry answered. Immutable, thread-safe.
 *
 * @param up                  whether the last exchange got an answer
 * @param lastSuccess         time of the last answered exchange, or null
 * @param lastFailure         time of the last failed exchange, or null
 * @param lastError           description of the last failure, or null
 * @param consecutiveFailures failures since the last success
 * @param servedFromCacheDuringOutage answers served from cache while the registry was down
 */
public record RegistryHealth(
        boolean up,
        @Nullable Instant lastSuccess,
        @Nullable Instant lastFailure,
        @Nullable String lastError,
        long consecutiveFailures,
        long servedFromCacheDuringOutage) {

    /** The state before any request was made. */
    public static RegistryHealth unknown() {
        return new RegistryHealth(true, null, null, null, 0, 0);
    }
}
