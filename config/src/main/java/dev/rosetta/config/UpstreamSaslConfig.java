package dev.rosetta.config;

import java.util.List;
import java.util.Objects;

/**
 * How Rosetta's own Kafka clients (dead letters, topic-name look-ups, route distribution) authenticate to a
 * SASL cluster. Client connections are not affected: their SASL exchange passes through to the broker as it is.
 * The password comes from the configuration (usually {@code ${ENV_VAR}}) or a file (a mounted secret), never
 * from the command line, and is never printed.
 *
 * @param mechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
 */
public record UpstreamSaslConfig(String mechanism, String username, String password) {
    public static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    public UpstreamSaslConfig {
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (!MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException("mechanism must be one of " + MECHANISMS + ", got " + mechanism);
        }
    }

    /** The {@code sasl.jaas.config} of a Kafka client that logs in as this user. */
    public String jaasConfig() {
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + quoted(username) + "\" password=\"" + quoted(password) + "\";";
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "UpstreamSaslConfig[mechanism=" + mechanism + ", username=" + username + ", password=****]";
    }
}
