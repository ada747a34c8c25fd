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

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HealthTracker.class);
    /** The registry's base URL, for log lines. */
    private final String name;

    private volatile long servedAtOutageStart;
    private volatile java.time.Instant outageStart = java.time.Instant.EPOCH;

    HealthTracker(Clock clock, String name) {
        this.clock = clock;
        this.name = name;
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
        RegistryHealth before = state.getAndUpdate(o ->
                new RegistryHealth(true, clock.instant(), o.lastFailure(), o.lastError(), 0, servedFromCache.get()));
        if (!before.up() && before.consecutiveFailures() > 0) {
            long cached = servedFromCache.get() - servedAtOutageStart;
            LOG.info(
                    "Schema registry {} answers again, after {} s and {} failed request(s); {} look-up(s) were"
                            + " served from the cache meanwhile",
                    name,
                    java.time.Duration.between(outageStart, clock.instant()).toSeconds(),
                    before.consecutiveFailures(),
                    cached);
        }
    }

    void failure(@Nullable String error) {
        failed.incrementAndGet();
        RegistryHealth before = state.getAndUpdate(o -> new RegistryHealth(
                false, o.lastSuccess(), clock.instant(), error, o.consecutiveFailures() + 1, servedFromCache.get()));
        if (before.consecutiveFailures() == 0) { // the first failure of an outage: one line, not one per look-up
            servedAtOutageStart = servedFromCache.get();
            outageStart = clock.instant();
            LOG.warn(
                    "Schema registry {} unreachable: {}. Cached schemas keep translating; records with schema ids"
                            + " not cached yet follow their route's failure policy until it answers again",
                    name,
                    error);
        }
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
