package dev.rosetta.config;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The admin HTTP API (routes, rollout, rollback, health, metrics).
 *
 * @param enabled     serve the API (default true)
 * @param bindHost    address to listen on (default {@code 127.0.0.1}: loopback only)
 * @param port        port (default {@value #DEFAULT_PORT}; 0 picks a free one)
 * @param bearerToken when set, every request but the probes must carry {@code Authorization: Bearer <token>}
 * @param allowUnauthenticated serve the routes API without a token on an address other than loopback; without
 *                    it such a configuration is refused, since anyone who reaches the port could change routes
 */
public record AdminConfig(
        boolean enabled,
        String bindHost,
        int port,
        @Nullable String bearerToken,
        boolean allowUnauthenticated) {

    public static final int DEFAULT_PORT = 19080;

    public AdminConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
    }

    /** An admin API that refuses to run unauthenticated beyond loopback. */
    public AdminConfig(boolean enabled, String bindHost, int port, @Nullable String bearerToken) {
        this(enabled, bindHost, port, bearerToken, false);
    }

    /** Whether {@code host} is a loopback address: 127.0.0.0/8, ::1 or localhost. */
    public static boolean isLoopback(String host) {
        String h = host.trim();
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    /**
     * Why this configuration must not run, or null: the routes API on a non-loopback address with neither a
     * token nor an explicit {@code allowUnauthenticated}.
     */
    public @Nullable String unauthenticatedProblem() {
        if (!enabled || bearerToken != null || allowUnauthenticated || isLoopback(bindHost)) {
            return null;
        }
        return "the admin API would listen on " + bindHost + " (not loopback) without a token, so anyone who reaches"
                + " port " + port + " could change routes: set admin.bearerToken or admin.bearerTokenFile (image:"
                + " ROSETTA_ADMIN_TOKEN or ROSETTA_ADMIN_TOKEN_FILE), bind admin.bindHost to 127.0.0.1, or set"
                + " admin.allowUnauthenticated: true to accept it";
    }

    public static AdminConfig defaults() {
        return new AdminConfig(true, ListenerConfig.DEFAULT_BIND_HOST, DEFAULT_PORT, null);
    }

    @Override
    public String toString() {
        return "AdminConfig[enabled=" + enabled + ", bindHost=" + bindHost + ", port=" + port + ", bearerToken="
                + (bearerToken == null ? "null" : "****") + ", allowUnauthenticated=" + allowUnauthenticated + "]";
    }
}
