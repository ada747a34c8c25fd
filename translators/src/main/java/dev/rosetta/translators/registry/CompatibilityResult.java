package dev.rosetta.translators.registry;

import java.util.List;

/**
 * The registry's answer to a compatibility check.
 *
 * @param compatible whether the registry accepts the schema under the subject's compatibility level
 * @param messages   reasons given by the registry (Confluent with {@code verbose=true}); may be empty
 *                   (Apicurio never returns them)
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = messages == null ? List.of() : List.copyOf(messages);
    }
}
