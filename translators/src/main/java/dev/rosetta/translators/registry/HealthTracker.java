package dev.rosetta.translators.registry;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/** Records outcomes of registry exchanges into an atomically replaced {@link RegistryHealth}. */
final class HealthTracker {
    private final AtomicReference<RegistryHealth> state = new AtomicReference<>(RegistryHealth.unknown());
    private final AtomicLong servedFromCache = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Clock clock;

    HealthTracker(Clock clock) {
        this.clock = clock;
    }

    void success() {
        answered.incrementAndGet();
        RegistryHealth h = current();
        if (h.up()
                && h.consecutiveFailures() == 0
                && h.lastSuccess() != null
                && clock.millis() - h.lastSuccess().toEpochMilli() < 1000) {
            return; // cheap path: avoid a CAS storm while healthy
        }
        state.updateAndGet(o ->
                new RegistryHealth(true, clock.instant(), o.lastFailure(), o.lastError(), 0, servedFromCache.get()));
    }

    void failure(@Nullable String error) {
        failed.incrementAndGet();
        state.updateAndGet(o -> new RegistryHealth(
                false, o.lastSuccess(), clock.instant(), error, o.consecutiveFailures() + 1, servedFromCache.get()));
    }

    void servedFromCache() {
        if (!current().up()) {
            servedFromCache.incrementAndGet();
        }
    }

    /** Exchanges the registry answered (any HTTP answer, errors included). */
    long answered() {
        return answered.get();
    }

    /** Exchanges that got no answer (connection refused, timeout, 5xx after retries). */
    long failed() {
        return failed.get();
    }

    RegistryHealth snapshot() {
        RegistryHealth h = current();
        return new RegistryHealth(
                h.up(),
                h.lastSuccess(),
                h.lastFailure(),
                h.lastError(),
                h.consecutiveFailures(),
                servedFromCache.get());
    }

    private RegistryHealth current() {
        return Objects.requireNonNull(state.get(), "starts as RegistryHealth.unknown(), only ever replaced");
    }
}
