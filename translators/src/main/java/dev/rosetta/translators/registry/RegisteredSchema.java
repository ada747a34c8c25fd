package dev.rosetta.translators.registry;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One schema as the registry returns it. Immutable, thread-safe.
 *
 * @param id         global schema id (never assume ids are consecutive: Apicurio uses content ids)
 * @param subject    subject, or null when fetched by id only
 * @param version    version within the subject, or -1 when fetched by id only
 * @param schemaType {@code AVRO}, {@code JSON} or {@code PROTOBUF} (absent in the API means AVRO)
 * @param schema     the schema text
 * @param references references to other schemas (empty when none)
 * @param metadata   Data Contract {@code metadata} document, or null
 * @param ruleSet    Data Contract {@code ruleSet} document (holds {@code migrationRules}), or null
 */
public record RegisteredSchema(
        int id,
        @Nullable String subject,
        int version,
        String schemaType,
        String schema,
        List<SchemaReference> references,
        @Nullable JsonNode metadata,
        @Nullable JsonNode ruleSet) {

    public RegisteredSchema {
        Objects.requireNonNull(schema, "schema");
        schemaType = schemaType == null || schemaType.isEmpty() ? "AVRO" : schemaType;
        references = references == null ? List.of() : List.copyOf(references);
    }

    /** An Avro schema with no subject, version, references or rules. */
    public static RegisteredSchema avro(int id, String schema) {
        return new RegisteredSchema(id, null, -1, "AVRO", schema, List.of(), null, null);
    }

    /** The same schema placed at {@code subject}/{@code version}. */
    public RegisteredSchema at(String subject, int version) {
        return new RegisteredSchema(id, subject, version, schemaType, schema, references, metadata, ruleSet);
    }

    /**
     * Puts this schema's content, as the Confluent API writes it, on {@code document} and returns
     * it: {@code schema}, {@code schemaType} (left out for Avro, as Confluent does), then
     * {@code references}, {@code metadata} and {@code ruleSet} where there are any. That is the body
     * of a register or lookup request, and what a registry answers after subject, version and id.
     */
    public ObjectNode putContent(ObjectNode document) {
        document.put("schema", schema);
        if (!isAvro()) {
            document.put("schemaType", schemaType);
        }
        if (!references.isEmpty()) {
            ArrayNode refs = document.putArray("references");
            for (SchemaReference r : references) {
                refs.addObject()
                        .put("name", r.name())
                        .put("subject", r.subject())
                        .put("version", r.version());
            }
        }
        if (metadata != null) {
            document.set("metadata", metadata);
        }
        if (ruleSet != null) {
            document.set("ruleSet", ruleSet);
        }
        return document;
    }

    /** True for Avro schemas. */
    public boolean isAvro() {
        return "AVRO".equalsIgnoreCase(schemaType);
    }
}
