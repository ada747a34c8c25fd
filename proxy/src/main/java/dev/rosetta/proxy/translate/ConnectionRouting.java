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
 * per connection, re-identified when the client id or the authenticated principal changes, and re-read from the current route
 * revision on every call (one volatile read), so a rollback applies to the next request.
 */
final class ConnectionRouting {
    private static final AttachmentKey<ConnectionRoutes> KEY = AttachmentKey.named("connection routes");

    private ConnectionRouting() {}

    static ClientRoutes current(
            ProxyConnection connection,
            Supplier<RouteTable> routes,
            @Nullable String clientId,
            OverrideMatches overrideMatches) {
        String principal = connection.principal();
        ConnectionRoutes state = connection.state().get(KEY);
        if (state == null) {
            state = new ConnectionRoutes(routes, clientId, principal);
            connection.state().put(KEY, state);
            overrideMatches.identified(routes.get(), clientId, principal);
        } else if (!Objects.equals(state.clientId(), clientId) || !Objects.equals(state.principal(), principal)) {
            state.identify(clientId, principal);
            overrideMatches.identified(routes.get(), clientId, principal);
        }
        return state.current();
    }
}
