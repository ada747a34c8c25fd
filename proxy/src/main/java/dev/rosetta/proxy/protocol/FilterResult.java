package dev.rosetta.proxy.protocol;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link RequestFilter} or {@link ResponseFilter} did with one message: left it as it was,
 * changed it (the proxy re-encodes it once every filter has run), or could not decide yet.
 *
 * <p>{@link #UNCHANGED} and {@link #CHANGED} are constants, so the common, synchronous outcome
 * allocates nothing; only a deferral carries a value.
 */
public sealed interface FilterResult permits FilterResult.Done, FilterResult.Deferred {

    /** The filter looked and changed nothing. */
    FilterResult UNCHANGED = Done.UNCHANGED;

    /** The filter changed the message in place; it must be re-encoded. */
    FilterResult CHANGED = Done.CHANGED;

    /** {@link #CHANGED} when {@code changed}, else {@link #UNCHANGED}. */
    static FilterResult changedIf(boolean changed) {
        return changed ? CHANGED : UNCHANGED;
    }

    /**
     * Holds the message (and every later one of the connection in the same direction, to keep
     * their order) until {@code stage} completes, then runs the same filter again on the same
     * message; the filters before it are not run again. The filter must not have changed the
     * message before deferring. {@code stage} may complete exceptionally: the filter still runs
     * again and reads the outcome it waited for.
     */
    static FilterResult deferUntil(CompletionStage<?> stage) {
        return new Deferred(Objects.requireNonNull(stage, "stage"));
    }

    /** A final answer of one filter for one message. */
    enum Done implements FilterResult {
        UNCHANGED,
        CHANGED
    }

    /** See {@link #deferUntil}. */
    record Deferred(CompletionStage<?> until) implements FilterResult {}
}
