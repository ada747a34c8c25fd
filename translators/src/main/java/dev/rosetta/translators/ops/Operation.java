package dev.rosetta.translators.ops;

import java.util.Map;

/**
 * One declarative operation of a step, applied to the record's tree form (see {@link AvroTree})
 * before the tree is shaped into the step's target schema. Field paths are dotted
 * ({@code address.street}).
 *
 * <p>Implementations are immutable and thread-safe; {@link #apply} mutates only the given tree.
 */
public interface Operation {
    /** Applies the operation to a record tree. Throws a RULE_FAILED TranslationException on failure. */
    void apply(Map<String, Object> record);

    /** A short description for messages and reports, e.g. {@code rename customer_name -> customerName}. */
    String describe();
}
