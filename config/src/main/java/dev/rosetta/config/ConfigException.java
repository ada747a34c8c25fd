package dev.rosetta.config;

import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A configuration (or route change) that cannot be used. Carries every problem found, each
 * naming the source (usually the file), the line, the key path (e.g.
 * {@code routes[2].consume.rollout.percent}), the offending value and what is allowed, so a
 * user can fix the file without reading the source. A configuration that raises this was not
 * applied at all: nothing is ever half-applied.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * One mistake.
     *
     * @param source where the text came from: a file path or a name such as {@code PUT /routes/orders}
     * @param line   1-based line, or 0 when not known (for example a programmatic change)
     * @param path   the key path, e.g. {@code listener.bootstrapPort}; empty for the whole document
     * @param value  the offending value as written (secrets masked), or null when the key is missing
     * @param reason what is wrong and what is allowed
     */
    public record Problem(
            String source, int line, String path, @Nullable String value, String reason) {

        /** One line a user can act on, e.g. {@code rosetta.yaml:14: listener.bootstrapPort = '0': must be ...}. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append(source);
            if (line > 0) {
                sb.append(':').append(line);
            }
            sb.append(": ");
            if (!path.isEmpty()) {
                sb.append(path);
                if (value != null) {
                    sb.append(" = '").append(value).append('\'');
                }
                sb.append(": ");
            } else if (value != null) {
                sb.append('\'').append(value).append("': ");
            }
            sb.append(reason);
            return sb.toString();
        }
    }

    private final List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in document order; never empty. */
    public List<Problem> problems() {
        return problems;
    }

    private static String message(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        if (problems.size() == 1) {
            return "Invalid configuration: " + problems.get(0).describe();
        }
        return "Invalid configuration (" + problems.size() + " problems):\n  "
                + problems.stream().map(Problem::describe).collect(Collectors.joining("\n  "));
    }
}
