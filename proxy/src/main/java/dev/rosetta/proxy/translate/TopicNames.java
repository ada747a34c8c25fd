package dev.rosetta.proxy.translate;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.proxy.protocol.FilterResult;
import dev.rosetta.proxy.protocol.ResponseExchange;
import dev.rosetta.proxy.protocol.ResponseFilter;

/**
 * Topic id → name, for Fetch v13+ and Produce v13+ which name topics by id. Learned from every
 * Metadata response clients receive through the proxy (a client cannot fetch a topic id it has
 * not seen in metadata); ids the proxy has not seen, e.g. after a proxy restart under running
 * clients, are asked of the cluster with an admin client, off the event loop.
 *
 * <p>Thread-safe; {@link #name} is a map read.
 */
public final class TopicNames implements ResponseFilter, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicNames.class);

    private final Map<Uuid, String> names = new ConcurrentHashMap<>();
    private final Supplier<Admin> adminFactory;
    private volatile @Nullable Admin admin;

    /** @param adminFactory creates the admin client used for ids not seen in metadata (called at most once) */
    public TopicNames(Supplier<Admin> adminFactory) {
        this.adminFactory = adminFactory;
    }

    /** The topic's name, or null when the id has not been seen. */
    public @Nullable String name(Uuid topicId) {
        return names.get(topicId);
    }

    /** Asks the cluster for the names of {@code ids}; completes (never exceptionally) when the answer is in or failed. */
    public CompletableFuture<Void> resolve(Collection<Uuid> ids) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            admin().describeTopics(TopicCollection.ofTopicIds(ids))
                    .allTopicIds()
                    .whenComplete((descriptions, error) -> {
                        if (error != null) {
                            LOG.warn(
                                    "Cannot resolve topic ids {}: {}; their records pass untranslated",
                                    ids,
                                    error.toString());
                        } else {
                            descriptions.forEach((id, description) -> names.put(id, description.name()));
                        }
                        done.complete(null);
                    });
        } catch (RuntimeException e) {
            LOG.warn("Cannot resolve topic ids {}: {}; their records pass untranslated", ids, e.toString());
            done.complete(null);
        }
        return done;
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                a = admin;
                if (a == null) {
                    a = adminFactory.get();
                    admin = a;
                }
            }
        }
        return a;
    }

    @Override
    public boolean appliesTo(ApiKeys apiKey, short apiVersion) {
        return apiKey == ApiKeys.METADATA && apiVersion >= 10; // topic ids appear in Metadata v10
    }

    @Override
    public FilterResult onResponse(ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange) {
        for (MetadataResponseData.MetadataResponseTopic topic : ((MetadataResponseData) response).topics()) {
            if (topic.name() != null && topic.topicId() != null && !Uuid.ZERO_UUID.equals(topic.topicId())) {
                names.put(topic.topicId(), topic.name());
            }
        }
        return FilterResult.UNCHANGED;
    }

    @Override
    public void close() {
        Admin a = admin;
        if (a != null) {
            a.close(java.time.Duration.ofSeconds(5));
        }
    }
}
