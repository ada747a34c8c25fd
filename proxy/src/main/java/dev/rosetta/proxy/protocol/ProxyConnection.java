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

    /**
     * The broker accepted a SaslHandshake v0: the tokens that follow travel as bare length-prefixed frames with no
     * Kafka header, in both directions, until {@code exchange} says the exchange is over. Call from the handshake's
     * response filter, before the response reaches the client (which waits for it before sending a token).
     */
    void startUnframedSasl(UnframedSasl exchange);

    /** A legacy SASL exchange of unframed tokens, as the connection passes them through. */
    interface UnframedSasl {
        /**
         * Whether {@code frame} (length prefix included) is the client's next token rather than a Kafka request:
         * asked for every client frame while the exchange runs.
         */
        boolean isClientToken(io.netty.buffer.ByteBuf frame);

        /** The client's token, on its way to the broker. */
        void clientToken(io.netty.buffer.ByteBuf frame);

        /** The broker's token, on its way to the client; true when the exchange is over and Kafka requests follow. */
        boolean brokerToken(io.netty.buffer.ByteBuf frame);
    }
}
