package dev.rosetta.proxy.embedded;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.rosetta.translators.registry.RegisteredSchema;
import dev.rosetta.translators.registry.SchemaReference;

/**
 * The state behind {@link EmbeddedRegistry}, with the Confluent Schema Registry's semantics:
 * ids are global (the same schema under two subjects has one id), registering a schema a subject
 * already holds returns its id without a new version, and a new version must be compatible with
 * the subject's existing ones under its compatibility level.
 *
 * <p>Schemas are kept in their canonical form (Avro's compact JSON, docs and defaults kept), as
 * Confluent's registry does, so whitespace and key order never make two schemas different.
 *
 * <p>Thread-safe: every method is synchronized; each call is a few map look-ups, plus an Avro
 * parse and compatibility check for {@link #register} and {@link #testCompatibility}.
 */
final class ContractStore {
    /** The compatibility levels of the Confluent API. */
    enum Level {
        NONE,
        BACKWARD,
        BACKWARD_TRANSITIVE,
        FORWARD,
        FORWARD_TRANSITIVE,
        FULL,
        FULL_TRANSITIVE;

        boolean transitive() {
            return name().endsWith("_TRANSITIVE");
        }

        static Level parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new RegistryError(
                        422,
                        RegistryError.INVALID_COMPATIBILITY_LEVEL,
                        "Invalid compatibility level '" + text + "'. Valid values are " + List.of(values()));
            }
        }
    }

    /** The outcome of a compatibility check: the verdict and, when incompatible, why. */
    record Compatibility(boolean compatible, List<String> messages) {}

    /** What makes two schemas "the same schema", and so the same id. */
    private record Content(
            String schemaType,
            String canonical,
            List<SchemaReference> references,
            @Nullable JsonNode metadata,
            @Nullable JsonNode ruleSet) {}

    private final Map<Integer, RegisteredSchema> byId = new HashMap<>();
    private final Map<Content, Integer> idByContent = new HashMap<>();
    private final Map<Integer, Schema> parsedById = new HashMap<>();
    private final TreeMap<String, List<RegisteredSchema>> bySubject = new TreeMap<>();
    private final Map<String, Level> subjectLevels = new HashMap<>();
    private Level globalLevel;
    private int nextId = 1;

    ContractStore(Level globalLevel) {
        this.globalLevel = Objects.requireNonNull(globalLevel, "globalLevel");
    }

    /**
     * Places {@code schema} at {@code subject}/{@code version} as read from a contract file: no
     * compatibility check (the folder is the truth; {@code rosetta check} reviews it).
     *
     * @return the schema's global id
     * @throws RegistryError 42201 if it is not a valid Avro schema
     */
    synchronized int load(String subject, int version, RegisteredSchema schema) {
        Parsed parsed = parse(schema);
        return place(subject, version, parsed, schema).id();
    }

    /** Every subject, sorted. */
    synchronized List<String> subjects() {
        return List.copyOf(bySubject.keySet());
    }

    /** Number of distinct schemas (ids). */
    synchronized int schemaCount() {
        return byId.size();
    }

    /** The schema with global id {@code id} (subject and version: where it was first registered). */
    synchronized RegisteredSchema schemaById(int id) {
        RegisteredSchema s = byId.get(id);
        if (s == null) {
            throw new RegistryError(404, RegistryError.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return s;
    }

    /** Every subject/version holding schema {@code id}, as {@link RegisteredSchema}s. */
    synchronized List<RegisteredSchema> usesOf(int id) {
        schemaById(id);
        List<RegisteredSchema> out = new ArrayList<>();
        bySubject.values().forEach(vs -> vs.stream().filter(s -> s.id() == id).forEach(out::add));
        return out;
    }

    /** The versions of {@code subject}, ascending. */
    synchronized List<Integer> versions(String subject) {
        return versionsOf(subject).stream().map(RegisteredSchema::version).toList();
    }

    /**
     * {@code subject} at {@code version}: "latest" or -1 for the latest, else a version number.
     *
     * @throws RegistryError 40401 unknown subject, 40402 unknown version, 42202 not a version
     */
    synchronized RegisteredSchema version(String subject, String version) {
        List<RegisteredSchema> versions = versionsOf(subject);
        int v = parseVersion(version);
        if (v == -1) {
            return versions.get(versions.size() - 1);
        }
        for (RegisteredSchema s : versions) {
            if (s.version() == v) {
                return s;
            }
        }
        throw new RegistryError(404, RegistryError.VERSION_NOT_FOUND, "Version " + v + " not found.");
    }

    /**
     * The version of {@code subject} holding {@code schema} ({@code POST /subjects/{subject}}).
     * Metadata and rule set, when the request carries them, must match too.
     *
     * @throws RegistryError 40401 unknown subject, 40403 not registered there, 42201 invalid schema
     */
    synchronized RegisteredSchema lookup(String subject, RegisteredSchema schema) {
        List<RegisteredSchema> versions = versionsOf(subject);
        Content wanted = parse(schema).content;
        for (RegisteredSchema s : versions) {
            if (sameSchema(contentOf(s), wanted)) {
                return s;
            }
        }
        throw new RegistryError(404, RegistryError.SCHEMA_NOT_FOUND, "Schema not found");
    }

    /**
     * Registers {@code schema} as the next version of {@code subject} and returns its global id;
     * returns the existing id without a new version if the subject already holds it.
     *
     * @throws RegistryError 42201 invalid schema, 409 incompatible with the subject's versions
     */
    synchronized int register(String subject, RegisteredSchema schema) {
        Parsed parsed = parse(schema);
        List<RegisteredSchema> versions = bySubject.getOrDefault(subject, List.of());
        for (RegisteredSchema s : versions) {
            if (sameSchema(contentOf(s), parsed.content)) {
                return s.id();
            }
        }
        if (!versions.isEmpty()) {
            Compatibility c = check(subject, parsed.schema, against(subject, versions, null));
            if (!c.compatible()) {
                throw new RegistryError(
                        409,
                        RegistryError.INCOMPATIBLE,
                        "Schema being registered is incompatible " + "with an earlier schema for subject \"" + subject
                                + "\", details: " + c.messages());
            }
        }
        int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        return place(subject, version, parsed, schema).id();
    }

    /**
     * Whether {@code schema} may follow {@code version} of {@code subject} ("latest" allowed), or
     * every version the subject's level asks for when {@code version} is null. A subject that
     * does not exist accepts anything when {@code version} is null, as Confluent's registry does.
     *
     * @throws RegistryError 40401, 40402, 42202 as {@link #version}; 42201 invalid schema
     */
    synchronized Compatibility testCompatibility(String subject, @Nullable String version, RegisteredSchema schema) {
        Parsed parsed = parse(schema);
        if (version == null && !bySubject.containsKey(subject)) {
            return new Compatibility(true, List.of());
        }
        List<RegisteredSchema> versions = versionsOf(subject);
        return check(subject, parsed.schema, against(subject, versions, version));
    }

    /** The global compatibility level. */
    synchronized Level globalLevel() {
        return globalLevel;
    }

    /** Sets the global compatibility level. */
    synchronized void globalLevel(Level level) {
        globalLevel = Objects.requireNonNull(level);
    }

    /** The subject's own level, if it has one. */
    synchronized Optional<Level> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** Sets the subject's own level. */
    synchronized void subjectLevel(String subject, Level level) {
        subjectLevels.put(subject, Objects.requireNonNull(level));
    }

    private Level levelOf(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private List<RegisteredSchema> against(String subject, List<RegisteredSchema> versions, @Nullable String version) {
        if (version != null) {
            return List.of(version(subject, version));
        }
        return levelOf(subject).transitive() ? versions : List.of(versions.get(versions.size() - 1));
    }

    private Compatibility check(String subject, Schema candidate, List<RegisteredSchema> existing) {
        Level level = levelOf(subject);
        List<String> messages = new ArrayList<>();
        for (RegisteredSchema old : existing) {
            Schema previous = parsedById.get(old.id());
            boolean backward =
                    level.name().startsWith("BACKWARD") || level.name().startsWith("FULL");
            boolean forward = level.name().startsWith("FORWARD") || level.name().startsWith("FULL");
            // BACKWARD: the new schema reads data written with the old one; FORWARD: the reverse.
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, previous), old, level, messages);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(previous, candidate), old, level, messages);
            }
        }
        return new Compatibility(messages.isEmpty(), List.copyOf(messages));
    }

    // Same shape as Confluent's verbose messages, so scripts written against it read these too.
    private static void describe(
            SchemaCompatibility.SchemaPairCompatibility pair,
            RegisteredSchema old,
            Level level,
            List<String> messages) {
        if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (SchemaCompatibility.Incompatibility i : pair.getResult().getIncompatibilities()) {
            messages.add("{errorType:'" + i.getType() + "', description:'" + i.getMessage() + " at path '"
                    + i.getLocation() + "'', additionalInfo:'reader " + i.getReaderFragment() + ", writer "
                    + i.getWriterFragment() + "', oldSchemaVersion: " + old.version() + ", compatibility: '"
                    + level + "'}");
        }
    }

    private List<RegisteredSchema> versionsOf(String subject) {
        List<RegisteredSchema> versions = bySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new RegistryError(404, RegistryError.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        return versions;
    }

    private static int parseVersion(String version) {
        if ("latest".equalsIgnoreCase(version)) {
            return -1;
        }
        try {
            int v = Integer.parseInt(version);
            if (v > 0 || v == -1) {
                return v;
            }
        } catch (NumberFormatException notANumber) {
            // falls through to the error below
        }
        throw new RegistryError(
                422,
                RegistryError.INVALID_VERSION,
                "The specified version '" + version
                        + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    private RegisteredSchema place(String subject, int version, Parsed parsed, RegisteredSchema source) {
        Integer existingId = idByContent.get(parsed.content);
        int id = existingId != null ? existingId : nextId++;
        RegisteredSchema placed = new RegisteredSchema(
                id,
                subject,
                version,
                "AVRO",
                parsed.content.canonical(),
                parsed.content.references(),
                parsed.content.metadata(),
                parsed.content.ruleSet());
        if (existingId == null) {
            idByContent.put(parsed.content, id);
            byId.put(id, placed);
            parsedById.put(id, parsed.schema);
        }
        List<RegisteredSchema> versions = bySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        versions.add(placed);
        versions.sort((a, b) -> Integer.compare(a.version(), b.version()));
        return placed;
    }

    private static Content contentOf(RegisteredSchema s) {
        return new Content(s.schemaType(), s.schema(), s.references(), s.metadata(), s.ruleSet());
    }

    // A request without metadata or rule set matches a stored schema that has them (Confluent
    // carries them over from the previous version); one that has them must match exactly.
    private static boolean sameSchema(Content stored, Content wanted) {
        return stored.canonical().equals(wanted.canonical())
                && stored.references().equals(wanted.references())
                && (wanted.metadata() == null || wanted.metadata().equals(stored.metadata()))
                && (wanted.ruleSet() == null || wanted.ruleSet().equals(stored.ruleSet()));
    }

    private record Parsed(Schema schema, Content content) {}

    private Parsed parse(RegisteredSchema schema) {
        if (!schema.isAvro()) {
            throw new RegistryError(
                    422,
                    RegistryError.INVALID_SCHEMA,
                    "Invalid schema: schemaType " + schema.schemaType()
                            + " is not supported; the embedded registry holds AVRO schemas only");
        }
        Schema.Parser parser = new Schema.Parser();
        Collection<Schema> referenced;
        Schema parsed;
        try {
            addReferences(parser, schema.references(), new HashSet<>());
            referenced = List.copyOf(parser.getTypes().values());
            parsed = parser.parse(schema.schema());
        } catch (AvroRuntimeException | NullPointerException | IllegalArgumentException e) {
            throw new RegistryError(
                    422,
                    RegistryError.INVALID_SCHEMA,
                    "Invalid schema " + abbreviate(schema.schema()) + ": " + e.getMessage());
        }
        // Referenced types stay references in the canonical text, as in Confluent's registry.
        String canonical = referenced.isEmpty() ? parsed.toString() : parsed.toString(referenced, false);
        return new Parsed(
                parsed, new Content("AVRO", canonical, schema.references(), schema.metadata(), schema.ruleSet()));
    }

    private void addReferences(Schema.Parser parser, List<SchemaReference> references, Set<String> seen) {
        for (SchemaReference ref : references) {
            RegisteredSchema target;
            try {
                target = version(ref.subject(), Integer.toString(ref.version()));
            } catch (RegistryError e) {
                throw new RegistryError(
                        422,
                        RegistryError.INVALID_SCHEMA,
                        "Invalid schema: reference '" + ref.name() + "' to subject '" + ref.subject() + "' version "
                                + ref.version() + ": " + e.getMessage());
            }
            if (seen.add(target.subject() + "/" + target.version())) {
                addReferences(parser, target.references(), seen);
                parser.parse(target.schema());
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** Subjects and their version count, for the start-up log line. */
    synchronized Map<String, Integer> summary() {
        Map<String, Integer> out = new LinkedHashMap<>();
        bySubject.forEach((s, vs) -> out.put(s, vs.size()));
        return out;
    }
}
