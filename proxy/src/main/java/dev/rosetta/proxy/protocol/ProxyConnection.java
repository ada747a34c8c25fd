package dev.rosetta.proxy.protocol;

import java.net.SocketAddress;

import org.jspecify.annotations.Nullable;

/**
 * One client connection as filters see it. Confined to the connection's event loop: call only
 * from a filter running for this connection.
 */
public interface ProxyConnection {

    /** The client's address, for log lines. */
    SocketAddress remoteAddress();

    /** The client id of the most recent request on this connection, or {@code null}. */
    @Nullable
    String clientId();

    /** Per-connection state of filters (use keys held in constants); it lives as long as the connection. */
    Attachments state();

    /**
     * The principal the broker authenticated this connection as, written as Kafka writes it
     * ({@code User:bob}), or null while unknown: before authentication, after a failed one, and
     * for mechanisms Rosetta cannot read a name from (GSSAPI).
     */
    @Nullable
    String principal();

    /**
     * Binds {@code principal} to this connection once the broker accepted the client's authentication
     * (or the TLS handshake verified its certificate); routing uses it from the next request on.
     *
     * @param how the mechanism, e.g. {@code SCRAM-SHA-512} or {@code TLS}, for logs and metrics
     */
    void authenticated(String principal, String how);
}
