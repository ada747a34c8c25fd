package dev.rosetta.config;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The Confluent-API schema registry (Confluent, Apicurio ccompat, Karapace, Redpanda).
 *
 * @param url            base URL ({@code http} or {@code https}); null means no registry
 * @param username       basic-auth user, or null (given together with {@code password})
 * @param password       basic-auth password, or null
 * @param bearerToken    bearer token, or null (excludes basic auth)
 * @param connectTimeout connect timeout (default 5s)
 * @param readTimeout    read timeout (default 10s)
 * @param tls            TLS settings for an {@code https} URL; null means JDK defaults
 */
public record RegistryConfig(
        @Nullable String url,
        @Nullable String username,
        @Nullable String password,
        @Nullable String bearerToken,
        Duration connectTimeout,
        Duration readTimeout,
        @Nullable ClientTlsConfig tls) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    public RegistryConfig {
        if (connectTimeout == null) {
            connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        }
        if (readTimeout == null) {
            readTimeout = DEFAULT_READ_TIMEOUT;
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("username and password go together");
        }
        if (bearerToken != null && username != null) {
            throw new IllegalArgumentException("bearerToken excludes username/password");
        }
    }

    /** No registry configured. */
    public static RegistryConfig none() {
        return new RegistryConfig(null, null, null, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, null);
    }

    public boolean enabled() {
        return url != null;
    }

    @Override
    public String toString() {
        return "RegistryConfig[url=" + url + ", username=" + username + ", password="
                + (password == null ? "null" : "****")
                + ", bearerToken=" + (bearerToken == null ? "null" : "****") + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", tls=" + tls + "]";
    }
}
