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
}
