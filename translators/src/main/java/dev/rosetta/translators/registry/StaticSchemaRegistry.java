package dev.rosetta.translators.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory {@link SchemaRegistry}: schemas registered by code or loaded from local files
 * (for the {@code check}/{@code verify} CLI without a registry, for tests, for embedded use).
 * Ids are assigned from 1 upwards unless given; registering identical text twice in a subject
 * returns the existing id.
 *
 * <p>Thread-safe. Every look-up answers from memory.
 */
public final class StaticSchemaRegistry implements SchemaRegistry {
    private final Map<Integer, RegisteredSchema> byId = new ConcurrentHashMap<>();
    private final Map<String, List<RegisteredSchema>> bySubject = new ConcurrentHashMap<>();
    private int nextId = 1;

    /** Registers {@code schema} (Avro text) as the next version of {@code subject}; returns its id. */
    public synchronized int register(String subject, String schema) {
        return register(subject, RegisteredSchema.avro(-1, schema));
    }

    /**
     * Registers {@code schema} (its id is used if >= 0, else the next free id) as the next version
     * of {@code subject}; returns the id.
     */
    public synchronized int register(String subject, RegisteredSchema schema) {
        List<RegisteredSchema> versions = bySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        for (RegisteredSchema existing : versions) {
            if (existing.schema().equals(schema.schema())) {
                return existing.id();
            }
        }
        int id = schema.id() >= 0 ? schema.id() : nextFreeId();
        RegisteredSchema placed = new RegisteredSchema(id, subject, versions.size() + 1, schema.schemaType(),
                schema.schema(), schema.references(), schema.metadata(), schema.ruleSet());
        versions.add(placed);
        byId.putIfAbsent(id, placed);
        return id;
    }

    private int nextFreeId() {
        while (byId.containsKey(nextId)) {
            nextId++;
        }
        return nextId++;
    }

    private static RegistryException notFound(String what, int code) {
        return new RegistryException("GET", "memory:" + what, 404, code, what + " not found", null);
    }

    @Override
    public CompletableFuture<RegisteredSchema> schemaById(int id) {
        RegisteredSchema s = byId.get(id);
        return s != null ? CompletableFuture.completedFuture(s)
                : CompletableFuture.failedFuture(notFound("schema id " + id, RegistryException.SCHEMA_NOT_FOUND));
    }

    @Override
    public Optional<RegisteredSchema> cachedSchemaById(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized CompletableFuture<List<Integer>> versions(String subject) {
        List<RegisteredSchema> v = bySubject.get(subject);
        if (v == null) {
            return CompletableFuture.failedFuture(notFound("subject " + subject, RegistryException.SUBJECT_NOT_FOUND));
        }
        return CompletableFuture.completedFuture(v.stream().map(RegisteredSchema::version).toList());
    }

    @Override
    public CompletableFuture<RegisteredSchema> version(String subject, int version) {
        return cachedVersion(subject, version).map(CompletableFuture::completedFuture)
                .orElseGet(() -> CompletableFuture.failedFuture(notFound("subject " + subject + " version " + version,
                        RegistryException.VERSION_NOT_FOUND)));
    }

    @Override
    public synchronized Optional<RegisteredSchema> cachedVersion(String subject, int version) {
        List<RegisteredSchema> v = bySubject.get(subject);
        if (v == null || version < 1 || version > v.size()) {
            return Optional.empty();
        }
        return Optional.of(v.get(version - 1));
    }

    @Override
    public synchronized CompletableFuture<RegisteredSchema> latest(String subject) {
        List<RegisteredSchema> v = bySubject.get(subject);
        if (v == null || v.isEmpty()) {
            return CompletableFuture.failedFuture(notFound("subject " + subject, RegistryException.SUBJECT_NOT_FOUND));
        }
        return CompletableFuture.completedFuture(v.get(v.size() - 1));
    }

    @Override
    public synchronized CompletableFuture<Integer> versionOf(String subject, int schemaId) {
        for (RegisteredSchema s : bySubject.getOrDefault(subject, List.of())) {
            if (s.id() == schemaId) {
                return CompletableFuture.completedFuture(s.version());
            }
        }
        return CompletableFuture.failedFuture(notFound("schema id " + schemaId + " in subject " + subject,
                RegistryException.SCHEMA_NOT_FOUND));
    }

    @Override
    public RegistryHealth health() {
        return new RegistryHealth(true, null, null, null, 0, 0);
    }
}
