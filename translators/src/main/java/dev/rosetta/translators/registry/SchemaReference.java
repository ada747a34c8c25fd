package dev.rosetta.translators.registry;

/**
 * A reference from one registered schema to another ({@code references[]} in the REST API).
 *
 * @param name    the name the referencing schema uses (for Avro: the full name of the named type)
 * @param subject subject of the referenced schema
 * @param version version of the referenced schema
 */
public record SchemaReference(String name, String subject, int version) {}
