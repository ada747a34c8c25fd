package dev.rosetta.config.routing;

/**
 * Told about every new revision of a {@link RouteStore}, in revision order, one call at a time.
 * Called on the thread that made the change (or the distribution thread); keep it quick and
 * do not block. An exception is logged and does not affect the change or other listeners.
 */
@FunctionalInterface
public interface RouteListener {

    void onRevision(RouteRevision previous, RouteRevision current);
}
