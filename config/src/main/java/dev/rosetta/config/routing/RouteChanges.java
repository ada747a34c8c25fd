package dev.rosetta.config.routing;

import java.util.concurrent.CompletableFuture;

/**
 * Where route changes are submitted: a local {@link RouteStore} (applies at once) or a
 * {@code KafkaRouteDistribution} (applies when the change comes back from the routes topic,
 * on every sidecar). The admin API and hot reload depend only on this.
 */
public interface RouteChanges {

    /**
     * Submits a change. The future completes with the revision that made it take effect (the
     * current revision when the change altered nothing), or exceptionally with
     * {@link dev.rosetta.config.ConfigException} when the change is invalid. Never blocks.
     */
    CompletableFuture<RouteRevision> submit(RouteChange change);

    /** The routes in force now. */
    RouteStore store();
}
