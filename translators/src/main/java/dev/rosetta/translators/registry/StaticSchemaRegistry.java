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
     * of {@code subject} (or at {@code schema.version()} if that is > 0); returns the id.
     */
    public synchronized int register(String subject, RegisteredSchema schema) {
        List<RegisteredSchema> versions = bySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        for (RegisteredSchema existing : versions) {
            if (existing.schema().equals(schema.schema())) {
                return existing.id();
            }
        }
        int version = schema.version() > 0
                ? schema.version()
                : versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        for (RegisteredSchema existing : versions) {
            if (existing.version() == version) {
                throw new IllegalArgumentException("subject " + subject + " already has version " + version);
            }
        }
        int id = schema.id() >= 0 ? schema.id() : nextFreeId();
        RegisteredSchema placed = new RegisteredSchema(
                id,
                subject,
                version,
                schema.schemaType(),
                schema.schema(),
                schema.references(),
                schema.metadata(),
                schema.ruleSet());
        versions.add(placed);
        versions.sort(java.util.Comparator.comparingInt(RegisteredSchema::version));
        byId.putIfAbsent(id, placed);
        return id;
    }

    /**
     * Loads {@code <dir>/<subject>/v<N>.avsc} (or {@code <N>.avsc}) files as version N of each
     * subject, with an optional {@code v<N>.ruleset.json} holding a Data Contract {@code ruleSet}.
     * Ids are assigned in subject, then version order.
     *
     * @throws IllegalArgumentException naming a file that cannot be read
     */
    public static StaticSchemaRegistry loadDirectory(java.nio.file.Path dir) {
        StaticSchemaRegistry reg = new StaticSchemaRegistry();
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("v?(\\d+)\\.avsc");
        try (var subjects = java.nio.file.Files.list(dir)) {
            for (var subjectDir :
                    subjects.filter(java.nio.file.Files::isDirectory).sorted().toList()) {
                java.util.TreeMap<Integer, java.nio.file.Path> files = new java.util.TreeMap<>();
                try (var list = java.nio.file.Files.list(subjectDir)) {
                    for (var f : list.toList()) {
                        var m = name.matcher(f.getFileName().toString());
                        if (m.matches()) {
                            files.put(Integer.parseInt(m.group(1)), f);
                        }
                    }
                }
                for (var e : files.entrySet()) {
                    String text = java.nio.file.Files.readString(e.getValue());
                    var rules = e.getValue()
                            .resolveSibling(
                                    e.getValue().getFileName().toString().replace(".avsc", ".ruleset.json"));
                    com.fasterxml.jackson.databind.JsonNode ruleSet =
                            java.nio.file.Files.exists(rules) ? RegistryClient.JSON.readTree(rules.toFile()) : null;
                    reg.register(
                            subjectDir.getFileName().toString(),
                            new RegisteredSchema(-1, null, e.getKey(), "AVRO", text, List.of(), null, ruleSet));
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read schema directory " + dir + ": " + e.getMessage(), e);
        }
        return reg;
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
        return s != null
                ? CompletableFuture.completedFuture(s)
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
        return CompletableFuture.completedFuture(
                v.stream().map(RegisteredSchema::version).toList());
    }

    @Override
    public CompletableFuture<RegisteredSchema> version(String subject, int version) {
        return cachedVersion(subject, version)
                .map(CompletableFuture::completedFuture)
                .orElseGet(() -> CompletableFuture.failedFuture(
                        notFound("subject " + subject + " version " + version, RegistryException.VERSION_NOT_FOUND)));
    }

    @Override
    public synchronized Optional<RegisteredSchema> cachedVersion(String subject, int version) {
        for (RegisteredSchema s : bySubject.getOrDefault(subject, List.of())) {
            if (s.version() == version) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Every subject held. */
    public synchronized List<String> subjects() {
        return List.copyOf(new java.util.TreeSet<>(bySubject.keySet()));
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
        return CompletableFuture.failedFuture(
                notFound("schema id " + schemaId + " in subject " + subject, RegistryException.SCHEMA_NOT_FOUND));
    }

    @Override
    public RegistryHealth health() {
        return new RegistryHealth(true, null, null, null, 0, 0);
    }
}
