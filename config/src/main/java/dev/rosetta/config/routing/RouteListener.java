package dev.rosetta.config.routing;

import org.jspecify.annotations.Nullable;

/**
 * Told about every new revision of a {@link RouteStore}, in revision order, one call at a time.
 * Called on the thread that made the change (or the distribution thread); keep it quick and
 * do not block. An exception is logged and does not affect the change or other listeners.
 */
@FunctionalInterface
public interface RouteListener {

    /** @param previous the revision before {@code current}; null for a store's first revision */
    void onRevision(@Nullable RouteRevision previous, RouteRevision current);
}
