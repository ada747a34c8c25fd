package dev.rosetta.proxy.translate;

import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.jspecify.annotations.Nullable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.routing.VersionDecision;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Fetch batches already rebuilt, so that a batch read by several consumers of the same version
 * (consumer groups behind one gateway, replays, a rebalance that fetches again) is translated
 * once. Bounded by the bytes of the batches it holds (Caffeine, weighed by size).
 *
 * <p>A batch is identified by its topic, partition, base offset, size and CRC (the CRC covers
 * every record and the producer fields), and its rebuild by the route, the version decision and
 * the codec: a changed route or rollout misses, and {@link #invalidateAll()} drops everything when
 * the route table changes. Only batches whose every record was translated (or already in the
 * right version) are kept: a record that failed is handled by its route's failure policy on each
 * delivery, exactly as without the cache. Thread-safe.
 */
final class RebuiltBatches {
    /** What a rebuilt batch depends on. */
    record Key(
            String topic,
            int partition,
            long baseOffset,
            int sizeInBytes,
            long crc,
            RouteConfig route,
            VersionDecision decision,
            @Nullable CompressionType codec) {
        static Key of(
                String topic,
                int partition,
                RecordBatch batch,
                RouteConfig route,
                VersionDecision decision,
                @Nullable CompressionType codec) {
            return new Key(
                    topic,
                    partition,
                    batch.baseOffset(),
                    batch.sizeInBytes(),
                    batch.checksum(),
                    route,
                    decision,
                    codec);
        }
    }

    /**
     * A rebuilt batch (a copy: the partition's records it was rebuilt into are pooled and given
     * back) and how its records ended (counted again each time it is delivered).
     */
    record Entry(byte[] bytes, RecordOutcomes outcomes) {}

    private final Cache<Key, Entry> cache;
    private final Counter hits;
    private final Counter misses;

    RebuiltBatches(long maxBytes, MeterRegistry meters) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key key, Entry entry) -> entry.bytes().length + 128)
                .build();
        this.hits = Counter.builder("rosetta.translation.batch.cache")
                .tag("result", "hit")
                .description("Fetch batches served already rebuilt (translated once for several readers)")
                .register(meters);
        this.misses = Counter.builder("rosetta.translation.batch.cache")
                .tag("result", "miss")
                .description("Fetch batches rebuilt (translated) because no rebuilt copy was cached")
                .register(meters);
        Gauge.builder("rosetta.translation.batch.cache.bytes", this, RebuiltBatches::weightedBytes)
                .baseUnit("bytes")
                .description("Bytes of rebuilt fetch batches cached")
                .register(meters);
    }

    /** The batch rebuilt already, counted as a hit; null when it is not cached. */
    @Nullable
    Entry get(Key key) {
        Entry entry = cache.getIfPresent(key);
        if (entry != null) {
            hits.increment();
        }
        return entry;
    }

    /** A batch that was not cached was rebuilt (a miss); {@code entry} is kept unless null (it may not be shared). */
    void rebuilt(Key key, @Nullable Entry entry) {
        misses.increment();
        if (entry != null) {
            cache.put(key, entry);
        }
    }

    void invalidateAll() {
        cache.invalidateAll();
    }

    private double weightedBytes() {
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    long size() {
        return cache.estimatedSize();
    }
}
