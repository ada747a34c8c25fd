package dev.rosetta.config.routing;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * The version one side of one topic resolves to for one client: a stable version and,
 * during a rollout, a canary version for the records whose {@link RolloutBucket} is below
 * {@link #threshold()}. Obtained from {@link ClientRoutes}; the proxy keeps it for a
 * partition's records and calls {@code version(...)} per record.
 *
 * <p>Immutable and thread-safe. Per-record cost: none when {@link #fixed()}, otherwise one
 * murmur2 of the key; never allocates.
 */
public final class VersionDecision {

    private final int stableVersion;
    private final int canaryVersion;
    private final int threshold;

    VersionDecision(int stableVersion, int canaryVersion, int threshold) {
        this.stableVersion = stableVersion;
        boolean noCanary = threshold <= 0 || canaryVersion == stableVersion;
        this.canaryVersion = noCanary ? stableVersion : canaryVersion;
        this.threshold = noCanary ? 0 : Math.min(threshold, RolloutBucket.BUCKETS);
    }

    static VersionDecision fixed(int version) {
        return new VersionDecision(version, version, 0);
    }

    /** The version for a record with {@code key} (null: no key, so partition and offset decide). */
    public int version(@Nullable ByteBuffer key, int partition, long offset) {
        if (threshold == 0) {
            return stableVersion;
        }
        int bucket = key == null ? RolloutBucket.of(partition, offset) : RolloutBucket.of(key);
        return bucket < threshold ? canaryVersion : stableVersion;
    }

    /** The version for a record with {@code key} (null: no key, so partition and offset decide). */
    public int version(byte @Nullable [] key, int partition, long offset) {
        if (threshold == 0) {
            return stableVersion;
        }
        int bucket = key == null ? RolloutBucket.of(partition, offset) : RolloutBucket.of(key);
        return bucket < threshold ? canaryVersion : stableVersion;
    }

    /** True when every record gets {@link #stableVersion()}: no hashing needed. */
    public boolean fixed() {
        return threshold == 0;
    }

    public int stableVersion() {
        return stableVersion;
    }

    /** The canary version; equals {@link #stableVersion()} when no rollout is active. */
    public int canaryVersion() {
        return canaryVersion;
    }

    /** Buckets {@code [0, threshold)} get the canary version; 0 when no rollout is active. */
    public int threshold() {
        return threshold;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionDecision d
                && d.stableVersion == stableVersion
                && d.canaryVersion == canaryVersion
                && d.threshold == threshold;
    }

    @Override
    public int hashCode() {
        return (stableVersion * 31 + canaryVersion) * 31 + threshold;
    }

    @Override
    public String toString() {
        return fixed()
                ? "v" + stableVersion
                : "v" + stableVersion + " (v" + canaryVersion + " for buckets < " + threshold + ")";
    }
}
