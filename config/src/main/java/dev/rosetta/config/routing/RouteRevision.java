package dev.rosetta.config.routing;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One immutable state of the routes: the table, the change that produced it, who made it,
 * when and why. Revision numbers only grow. In a fleet (see {@code KafkaRouteDistribution})
 * numbers are positions in the routes topic, so every sidecar gives a revision the same number.
 *
 * @param number  the revision number (0 for a store's initial routes)
 * @param time    when the change was made
 * @param change  what was done (a rollback is recorded as the {@link RouteChange.Restore} it resolved to)
 * @param changed topics whose route differs from the previous revision, sorted
 * @param table   the routes in force from this revision on
 */
public record RouteRevision(long number, Instant time, RouteChange change, List<String> changed, RouteTable table) {

    public RouteRevision {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(table, "table");
        changed = List.copyOf(changed);
    }

    public String actor() {
        return change.actor();
    }

    public String reason() {
        return change.reason();
    }

    /** Whether this revision changed {@code topic}'s route. */
    public boolean changed(String topic) {
        return changed.contains(topic);
    }
}
