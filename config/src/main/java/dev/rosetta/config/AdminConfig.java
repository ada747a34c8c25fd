package dev.rosetta.config;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The admin HTTP API (routes, rollout, rollback, health, metrics).
 *
 * @param enabled     serve the API (default true)
 * @param bindHost    address to listen on (default {@code 127.0.0.1}: loopback only)
 * @param port        port (default {@value #DEFAULT_PORT}; 0 picks a free one)
 * @param bearerToken when set, every request must carry {@code Authorization: Bearer <token>}
 */
public record AdminConfig(
        boolean enabled,
        String bindHost,
        int port,
        @Nullable String bearerToken) {

    public static final int DEFAULT_PORT = 19080;

    public AdminConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
    }

    public static AdminConfig defaults() {
        return new AdminConfig(true, ListenerConfig.DEFAULT_BIND_HOST, DEFAULT_PORT, null);
    }

    @Override
    public String toString() {
        return "AdminConfig[enabled=" + enabled + ", bindHost=" + bindHost + ", port=" + port + ", bearerToken="
                + (bearerToken == null ? "null" : "****") + "]";
    }
}
