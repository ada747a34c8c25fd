package dev.rosetta.translators.registry;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The schema look-ups the translation engine needs, each in two forms: a non-blocking
 * {@link CompletableFuture} (may go to the network) and a {@code cached...} form that answers
 * only from memory and never blocks, for use on an event loop.
 *
 * <p>Futures fail with {@link RegistryException} ({@link RegistryException#isNotFound()} for
 * unknown ids, subjects or versions). Implementations are thread-safe.
 */
public interface SchemaRegistry {

    /** The schema with global id {@code id}. */
    CompletableFuture<RegisteredSchema> schemaById(int id);

    /** The schema with id {@code id} if it is in memory; never blocks. */
    Optional<RegisteredSchema> cachedSchemaById(int id);

    /** The versions of {@code subject}, ascending. */
    CompletableFuture<List<Integer>> versions(String subject);

    /** {@code subject} at {@code version} (with its id). */
    CompletableFuture<RegisteredSchema> version(String subject, int version);

    /** {@code subject} at {@code version} if in memory; never blocks. */
    Optional<RegisteredSchema> cachedVersion(String subject, int version);

    /** The latest version of {@code subject}. */
    CompletableFuture<RegisteredSchema> latest(String subject);

    /**
     * The version number under which schema {@code schemaId} is registered in {@code subject}.
     * Fails with a not-found {@link RegistryException} if it is not registered there.
     */
    CompletableFuture<Integer> versionOf(String subject, int schemaId);

    /** Reachability of the backing registry (always up for in-memory registries). */
    RegistryHealth health();
}
