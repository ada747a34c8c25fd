package dev.rosetta.config;

import java.util.Objects;

import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

/**
 * How Rosetta names a client's principal, the way the broker does, for routes' {@code principal:}
 * overrides. Rosetta never authenticates anyone itself: it reads the name on the way through and
 * binds it once the broker (or the TLS handshake) has accepted the client.
 *
 * @param oauthbearerClaim the JWT claim that names an OAUTHBEARER client (Kafka's
 *                         {@code sasl.oauthbearer.sub.claim.name}, default {@code sub})
 * @param tlsMappingRules  rules that turn a client certificate's subject into a name, in the syntax of
 *                         Kafka's {@code ssl.principal.mapping.rules} (default {@code DEFAULT}: the
 *                         whole distinguished name, as Kafka does)
 */
public record PrincipalConfig(String oauthbearerClaim, String tlsMappingRules) {
    public static final PrincipalConfig DEFAULTS = new PrincipalConfig("sub", "DEFAULT");

    public PrincipalConfig {
        Objects.requireNonNull(oauthbearerClaim, "oauthbearerClaim");
        Objects.requireNonNull(tlsMappingRules, "tlsMappingRules");
        if (oauthbearerClaim.isBlank()) {
            throw new IllegalArgumentException("oauthbearerClaim must name a claim, e.g. sub");
        }
        mapper(tlsMappingRules); // fails on rules Kafka would refuse
    }

    /** Kafka's own mapper for these rules. */
    public SslPrincipalMapper tlsMapper() {
        return mapper(tlsMappingRules);
    }

    private static SslPrincipalMapper mapper(String rules) {
        try {
            return SslPrincipalMapper.fromRules(rules);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tlsMappingRules: " + e.getMessage(), e);
        }
    }
}
