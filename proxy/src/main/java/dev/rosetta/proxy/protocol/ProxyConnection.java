package dev.rosetta.proxy.protocol;

import java.net.SocketAddress;
import java.util.function.Supplier;

/**
 * One client connection as filters see it. Confined to the connection's event loop: call only
 * from a filter running for this connection.
 */
public interface ProxyConnection {

    /** The client's address, for log lines. */
    SocketAddress remoteAddress();

    /** The client id of the most recent request on this connection, or {@code null}. */
    String clientId();

    /**
     * Per-connection state of a filter, created on first use. {@code key} identifies the filter
     * (use a constant object); the value lives as long as the connection.
     */
    <T> T state(Object key, Supplier<T> create);
}
