package dev.rosetta.proxy.translate;

import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.rosetta.config.routing.ClientRoutes;
import dev.rosetta.config.routing.ConnectionRoutes;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.proxy.protocol.AttachmentKey;
import dev.rosetta.proxy.protocol.ProxyConnection;

/**
 * The routes of one connection's client, shared by the fetch and produce translators: built once
 * per connection, re-identified when the client id changes, and re-read from the current route
 * revision on every call (one volatile read), so a rollback applies to the next request.
 */
final class ConnectionRouting {
    private static final AttachmentKey<ConnectionRoutes> KEY = AttachmentKey.named("connection routes");

    private ConnectionRouting() {}

    static ClientRoutes current(ProxyConnection connection, Supplier<RouteTable> routes, @Nullable String clientId) {
        ConnectionRoutes state =
                connection.state().computeIfAbsent(KEY, () -> new ConnectionRoutes(routes, clientId, null));
        if (!Objects.equals(state.clientId(), clientId)) {
            state.identify(clientId, state.principal());
        }
        return state.current();
    }
}
