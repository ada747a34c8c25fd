package dev.rosetta.config.routing;

import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A connection's handle on the current routes: remembers the client's id and principal and
 * re-resolves its {@link ClientRoutes} only when the route table changes, so a rollback
 * reaches the connection on its next request without any per-request work beyond one
 * volatile read and a reference comparison.
 *
 * <p>Not thread-safe: one instance per connection, used from the connection's event loop.
 */
public final class ConnectionRoutes {

    private final Supplier<RouteTable> tables;
    private @Nullable String clientId;
    private @Nullable String principal;
    // the table `routes` were resolved under; null until the first current() and after identify()
    private @Nullable RouteTable table;
    private @Nullable ClientRoutes routes;

    /**
     * @param tables the current table, e.g. {@code routeStore::table}; called once per {@link #current()}
     */
    public ConnectionRoutes(Supplier<RouteTable> tables, @Nullable String clientId, @Nullable String principal) {
        this.tables = Objects.requireNonNull(tables);
        this.clientId = clientId;
        this.principal = principal;
    }

    /** Records a new client id (from a request header) or principal (after SASL); cheap when unchanged. */
    public void identify(@Nullable String clientId, @Nullable String principal) {
        if (!Objects.equals(this.clientId, clientId) || !Objects.equals(this.principal, principal)) {
            this.clientId = clientId;
            this.principal = principal;
            this.table = null;
        }
    }

    /** This client's decisions under the current table. Call once per request. */
    public ClientRoutes current() {
        RouteTable t = tables.get();
        ClientRoutes r = routes;
        if (t != table || r == null) {
            r = t.forClient(clientId, principal);
            routes = r;
            table = t;
        }
        return r;
    }

    public @Nullable String clientId() {
        return clientId;
    }

    public @Nullable String principal() {
        return principal;
    }
}
