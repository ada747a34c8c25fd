package dev.rosetta.proxy.translate;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.apache.kafka.common.Uuid;

import dev.rosetta.translators.Translator;

/**
 * What one fetch response or produce request waits for across the runs of its translator: the
 * translator look-ups it started, and whether unknown topic ids were already asked for (once; an id
 * still unknown after that is a topic that no longer exists, and its records pass as they are).
 * Used on the connection's event loop, except {@link #lookups}, which translation workers share.
 */
final class ExchangeState {
    final Map<PartitionRewriter.Lookup, CompletableFuture<Translator>> lookups = new java.util.concurrent.ConcurrentHashMap<>();
    /** Partitions being rewritten by the translation workers; the exchange is deferred until this completes. */
    CompletableFuture<? extends List<?>> running;
    private boolean topicIdsAsked;

    /** The state attached to an exchange, or a new one for the caller to attach. */
    static ExchangeState of(Object attachment) {
        return attachment instanceof ExchangeState state ? state : new ExchangeState();
    }

    /**
     * The stage to wait for while topic ids of {@code topics} are looked up, or null when every id
     * is known (or was asked for already).
     */
    <T> CompletableFuture<Void> unknownTopicIds(Collection<T> topics, Function<T, Uuid> topicId, TopicNames names) {
        if (topicIdsAsked) {
            return null;
        }
        Set<Uuid> unknown = null;
        for (T topic : topics) {
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

    /** Completes when every look-up has an answer, success or failure (the next run reads which). */
    static CompletableFuture<Void> whenAnswered(List<CompletableFuture<Translator>> pending) {
        return CompletableFuture.allOf(pending.stream().map(f -> f.handle((t, e) -> null)).toArray(CompletableFuture[]::new));
    }
}
