package dev.rosetta.config.routing;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.ConfigException;
import dev.rosetta.config.RouteConfig;

/**
 * The routes in force and how they got there: one atomic reference to an immutable state
 * (current {@link RouteRevision} plus recent history). Every change makes a new revision with
 * a compare-and-set, so concurrent changes never lose each other and readers never see a
 * half-applied change; the next {@link #table()} call after a change or rollback sees it.
 *
 * <p>After each revision, in revision order: the audit log gets a line, one INFO log line
 * names the revision, actor, change and topics, and listeners are told.
 *
 * <p>Thread-safe. {@link #table()} is one volatile read (call it per request); changes cost a
 * table compile and a history copy (at most {@value #HISTORY_LIMIT} revisions are kept in
 * memory; the audit log keeps all).
 */
public final class RouteStore implements RouteChanges {

    private static final Logger LOG = LoggerFactory.getLogger(RouteStore.class);

    /** Revisions kept in memory for history queries and rollback. */
    public static final int HISTORY_LIMIT = 1000;

    private record State(RouteRevision current, List<RouteRevision> history) {
        State next(RouteRevision revision) {
            List<RouteRevision> h = new ArrayList<>(Math.min(history.size() + 1, HISTORY_LIMIT));
            h.addAll(
                    history.size() >= HISTORY_LIMIT
                            ? history.subList(history.size() - HISTORY_LIMIT + 1, history.size())
                            : history);
            h.add(revision);
            return new State(revision, List.copyOf(h));
        }
    }

    private final AtomicReference<State> state;
    private final Clock clock;
    private final @Nullable AuditLog auditLog;
    private final List<RouteListener> listeners = new CopyOnWriteArrayList<>();
    private final Object publishLock = new Object();
    private long published;

    private RouteStore(RouteTable initial, RouteChange initialChange, Clock clock, @Nullable AuditLog auditLog) {
        this.clock = clock;
        this.auditLog = auditLog;
        RouteRevision first = new RouteRevision(
                0, clock.instant(), initialChange, RouteChange.changedTopics(RouteTable.EMPTY, initial), initial);
        this.state = new AtomicReference<>(new State(first, List.of(first)));
        this.published = -1;
        publish();
    }

    /** A store whose revision 0 holds {@code routes}, with no audit log and the system clock. */
    public static RouteStore of(List<RouteConfig> routes) {
        return builder().routes(routes).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link RouteStore}. */
    public static final class Builder {
        private List<RouteConfig> routes = List.of();
        private String actor = "file";
        private String reason = "initial routes";
        private Clock clock = Clock.systemUTC();
        private @Nullable AuditLog auditLog;

        public Builder routes(List<RouteConfig> value) {
            routes = List.copyOf(value);
            return this;
        }

        /** Who and why for revision 0 (default {@code "file"}, {@code "initial routes"}). */
        public Builder initialActor(String actorValue, String reasonValue) {
            actor = actorValue;
            reason = reasonValue;
            return this;
        }

        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value);
            return this;
        }

        /** Appends every revision (including revision 0) to this log. */
        public Builder auditLog(@Nullable AuditLog value) {
            auditLog = value;
            return this;
        }

        public RouteStore build() {
            RouteTable table = RouteTable.of(routes);
            return new RouteStore(table, new RouteChange.ReplaceAll(routes, actor, reason), clock, auditLog);
        }
    }

    /** The routes in force: one volatile read. */
    public RouteTable table() {
        return state().current().table();
    }

    /** The current revision. */
    public RouteRevision current() {
        return state().current();
    }

    /** Recent revisions, oldest first (at most {@value #HISTORY_LIMIT}). */
    public List<RouteRevision> history() {
        return state().history();
    }

    /** Recent revisions that changed {@code topic}'s route, oldest first. */
    public List<RouteRevision> history(String topic) {
        List<RouteRevision> out = new ArrayList<>();
        for (RouteRevision r : state().history()) {
            if (r.changed(topic)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The revision numbered {@code number}, if still in memory. */
    public Optional<RouteRevision> revision(long number) {
        for (RouteRevision r : state().history()) {
            if (r.number() == number) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * Applies {@code change} as a new revision, atomically. A rollback is resolved against the
     * history first. A change that alters nothing returns the current revision and records
     * nothing.
     *
     * @throws ConfigException when the change is invalid (nothing changes)
     */
    public RouteRevision apply(RouteChange change) {
        while (true) {
            State s = state();
            RouteChange resolved = resolve(change, s);
            RouteTable next = RouteChange.applyTo(resolved, s.current().table());
            if (next.equals(s.current().table())) {
                return s.current();
            }
            RouteRevision revision = new RouteRevision(
                    s.current().number() + 1,
                    clock.instant(),
                    resolved,
                    RouteChange.changedTopics(s.current().table(), next),
                    next);
            if (state.compareAndSet(s, s.next(revision))) {
                publish();
                return revision;
            }
        }
    }

    /** {@link #apply} as a completed future, so a store can stand where {@link RouteChanges} is expected. */
    @Override
    public CompletableFuture<RouteRevision> submit(RouteChange change) {
        try {
            return CompletableFuture.completedFuture(apply(change));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public RouteStore store() {
        return this;
    }

    /** Rolls {@code topic} (or everything, when null) back to its routes before the last change. */
    public RouteRevision rollback(String topic, String actor, String reason) {
        return apply(new RouteChange.Rollback(topic, actor, reason));
    }

    /**
     * Resolves {@code change} against the current history without applying it: a
     * {@link RouteChange.Rollback} becomes the {@link RouteChange.Restore} it would apply,
     * other changes are returned as they are after checking they apply.
     *
     * @throws ConfigException when the change is invalid
     */
    public RouteChange resolve(RouteChange change) {
        State s = state();
        RouteChange resolved = resolve(change, s);
        RouteChange.applyTo(resolved, s.current().table());
        return resolved;
    }

    /**
     * Installs a revision decided elsewhere (the routes topic), if it is newer than the
     * current one. Returns the installed revision, or empty when {@code number} is not newer.
     */
    public Optional<RouteRevision> install(long number, Instant time, RouteChange change, RouteTable table) {
        while (true) {
            State s = state();
            if (number <= s.current().number()) {
                return Optional.empty();
            }
            RouteRevision revision = new RouteRevision(
                    number, time, change, RouteChange.changedTopics(s.current().table(), table), table);
            if (state.compareAndSet(s, s.next(revision))) {
                publish();
                return Optional.of(revision);
            }
        }
    }

    /** Registers a listener for every later revision. */
    public void addListener(RouteListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(RouteListener listener) {
        listeners.remove(listener);
    }

    private State state() {
        return Objects.requireNonNull(state.get(), "set at construction, only ever replaced");
    }

    private static RouteChange resolve(RouteChange change, State s) {
        if (!(change instanceof RouteChange.Rollback rb)) {
            return change;
        }
        List<RouteRevision> history = s.history();
        String topic = rb.topic();
        // The revision whose state we are effectively in: after a rollback that is the revision it
        // restored, so repeated rollbacks keep walking back instead of undoing each other.
        RouteRevision last = s.current();
        if (topic != null) {
            last = null;
            for (int i = history.size() - 1; i >= 0 && last == null; i--) {
                if (history.get(i).changed(topic) && history.get(i).number() > 0) {
                    last = history.get(i);
                }
            }
            if (last == null) {
                throw RouteChange.invalid(rb, "topic", topic, "has no change in the history to roll back");
            }
        }
        long position = last.number();
        if (last.change() instanceof RouteChange.Restore r
                && (r.topic() == null || r.topic().equals(topic))) {
            position = r.restores();
        }
        RouteRevision at = null;
        for (RouteRevision r : history) {
            if (r.number() == position) {
                at = r;
            }
        }
        if (at == null) {
            throw RouteChange.invalid(
                    rb,
                    "",
                    null,
                    "revision " + position + " is no longer in memory; " + "put the route you want instead");
        }
        for (int i = history.size() - 1; i >= 0; i--) {
            RouteRevision candidate = history.get(i);
            if (candidate.number() >= position) {
                continue;
            }
            if (topic == null) {
                if (!candidate.table().equals(at.table())) {
                    return new RouteChange.Restore(
                            null, candidate.table().routes(), candidate.number(), rb.actor(), rb.reason());
                }
            } else {
                RouteConfig route = candidate.table().route(topic);
                if (!Objects.equals(route, at.table().route(topic))) {
                    return new RouteChange.Restore(
                            topic,
                            route == null ? List.of() : List.of(route),
                            candidate.number(),
                            rb.actor(),
                            rb.reason());
                }
            }
        }
        throw RouteChange.invalid(
                rb,
                topic == null ? "" : "topic",
                topic,
                "there is no earlier revision to roll back to" + " (history starts at revision "
                        + history.get(0).number() + ")");
    }

    // Publishes revisions in number order even when compare-and-sets finish out of order.
    private void publish() {
        synchronized (publishLock) {
            List<RouteRevision> history = state().history();
            RouteRevision previous = null;
            for (RouteRevision r : history) {
                if (r.number() > published) {
                    announce(previous, r);
                    published = r.number();
                }
                previous = r;
            }
        }
    }

    private void announce(@Nullable RouteRevision previous, RouteRevision current) {
        if (auditLog != null) {
            try {
                auditLog.append(previous, current);
            } catch (RuntimeException e) {
                LOG.error(
                        "route revision {} could not be written to the audit log {}",
                        current.number(),
                        auditLog.file(),
                        e);
            }
        }
        LOG.info(
                "routes revision {} by {}: {}{}; changed {}",
                current.number(),
                current.actor(),
                current.change().describe(),
                current.reason().isEmpty() ? "" : " (" + current.reason() + ")",
                current.changed());
        for (RouteListener listener : listeners) {
            try {
                listener.onRevision(previous, current);
            } catch (RuntimeException e) {
                LOG.warn("route listener {} failed on revision {}", listener, current.number(), e);
            }
        }
    }
}
