package dev.rosetta.proxy.translate;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;

import dev.rosetta.translators.Translator;

/**
 * What one fetch response or produce request waits for across the runs of its translator: the
 * translator look-ups it started, the partitions the translation workers are rewriting, and
 * whether unknown topic ids were already asked for (once; an id still unknown after that is a
 * topic that no longer exists, and its records pass as they are). Used on the connection's event
 * loop, except {@link #lookups}, which translation workers share.
 *
 * @param <T> the caller's handle on a partition of its message
 */
final class ExchangeState<T> {
    final Map<PartitionRewriter.Lookup, CompletableFuture<Translator>> lookups = new ConcurrentHashMap<>();
    /** Partitions being rewritten by the translation workers; the exchange is deferred until this completes. Null otherwise. */
    @Nullable
    CompletableFuture<List<PartitionJobs.Done<T>>> running;
    /** The pooled buffers of {@link #running}'s results until a run takes them; null otherwise. */
    PartitionJobs.@Nullable Unclaimed<T> unclaimed;

    private boolean topicIdsAsked;

    /**
     * The stage to wait for while topic ids of {@code topics} are looked up, or null when every id
     * is known (or was asked for already).
     */
    <X> @Nullable CompletableFuture<Void> unknownTopicIds(
            Collection<X> topics, Function<X, Uuid> topicId, TopicNames names) {
        if (topicIdsAsked) {
            return null;
        }
        Set<Uuid> unknown = null;
        for (X topic : topics) {
            Uuid id = topicId.apply(topic);
            if (names.name(id) == null) {
                if (unknown == null) {
                    unknown = new HashSet<>();
                }
                unknown.add(id);
            }
        }
        if (unknown == null) {
            return null;
        }
        topicIdsAsked = true;
        return names.resolve(unknown);
    }
}
