package dev.rosetta.proxy.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.jspecify.annotations.Nullable;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.routing.ClientRoutes;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.config.routing.VersionDecision;
import dev.rosetta.proxy.protocol.AttachmentKey;
import dev.rosetta.proxy.protocol.Attachments;
import dev.rosetta.proxy.protocol.FilterResult;
import dev.rosetta.proxy.protocol.RequestExchange;
import dev.rosetta.proxy.protocol.RequestFilter;
import dev.rosetta.proxy.protocol.ResponseExchange;
import dev.rosetta.proxy.protocol.ResponseFilter;

import io.netty.buffer.ByteBuf;

/**
 * Translates the records of routed topics in Fetch responses to the version the route table picks
 * for this client and each record's rollout bucket.
 *
 * <p>Topics without a route, and partitions whose records all are already in the right version,
 * keep their bytes. A response whose translators are not all compiled yet is deferred (the
 * connection keeps its order) until they are; a failed look-up applies the route's failure policy.
 * The route table is read once per response, so a rollback applies from the next fetch on.
 */
public final class FetchTranslator implements ResponseFilter, RequestFilter {
    private static final AttachmentKey<ExchangeState<FetchResponseData.PartitionData>> STATE =
            AttachmentKey.named("fetch translation");
    /** The size limit of the fetch request a response answers. */
    private static final AttachmentKey<FetchLimits> LIMITS = AttachmentKey.named("fetch limits");

    private final Supplier<RouteTable> routes;
    private final TopicNames topicNames;
    private final PartitionJobs partitionJobs;
    /** The codec of rebuilt batches; null keeps each batch's own. */
    private final @Nullable CompressionType codec;

    private final @Nullable RebuiltBatches rebuilt;
    /** The route table the cached batches were rebuilt under; the cache is emptied when it changes. */
    private volatile @Nullable RouteTable cachedUnder;

    /**
     * @param codec   the codec of rebuilt batches, null to keep each batch's own
     * @param rebuilt the cache of rebuilt batches (the one {@code partitionJobs} fills), or null
     */
    private final OverrideMatches overrideMatches;

    FetchTranslator(
            Supplier<RouteTable> routes,
            TopicNames topicNames,
            PartitionJobs partitionJobs,
            @Nullable CompressionType codec,
            @Nullable RebuiltBatches rebuilt,
            OverrideMatches overrideMatches) {
        this.overrideMatches = overrideMatches;
        this.partitionJobs = partitionJobs;
        this.routes = routes;
        this.topicNames = topicNames;
        this.codec = codec;
        this.rebuilt = rebuilt;
    }

    /** The response-size limit of a fetch request: {@code max_bytes} for the whole response (v3+; unlimited before). */
    record FetchLimits(int maxBytes) {}

    @Override
    public boolean appliesTo(ApiKeys apiKey, short apiVersion) {
        return apiKey == ApiKeys.FETCH;
    }

    @Override
    public boolean needsDecoding(ApiKeys apiKey, short apiVersion, ByteBuf frame, Attachments fromRequest) {
        return !routes.get().isEmpty();
    }

    /** Requests are decoded while routes exist: their responses may be rewritten within the request's size limit. */
    @Override
    public boolean needsDecoding(ApiKeys apiKey, short apiVersion, ByteBuf frame) {
        return !routes.get().isEmpty();
    }

    /** Remembers the request's size limit for its response; the request itself is not changed. */
    @Override
    public FilterResult onRequest(
            ApiKeys apiKey, short apiVersion, RequestHeaderData header, ApiMessage request, RequestExchange exchange) {
        int maxBytes = apiVersion >= 3 ? ((FetchRequestData) request).maxBytes() : Integer.MAX_VALUE;
        exchange.forResponse().put(LIMITS, new FetchLimits(maxBytes));
        return FilterResult.UNCHANGED;
    }

    @Override
    public FilterResult onResponse(ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange) {
        if (routes.get().isEmpty()) {
            return FilterResult.UNCHANGED;
        }
        ClientRoutes client =
                ConnectionRouting.current(exchange.connection(), routes, exchange.clientId(), overrideMatches);
        if (client.isEmpty()) {
            return FilterResult.UNCHANGED;
        }
        FetchResponseData data = (FetchResponseData) response;
        forgetOtherRoutes();
        FetchLimits limits = exchange.fromRequest().get(LIMITS);
        ExchangeState<FetchResponseData.PartitionData> state =
                exchange.attachments().computeIfAbsent(STATE, ExchangeState::new);
        boolean byId = apiVersion >= 13;
        if (byId) {
            CompletableFuture<Void> resolving = state.unknownTopicIds(
                    data.responses(), FetchResponseData.FetchableTopicResponse::topicId, topicNames);
            if (resolving != null) {
                return FilterResult.deferUntil(resolving);
            }
        }
        return partitionJobs.translate(
                Direction.CONSUME,
                state,
                () -> jobs(data, client, byId, limits),
                exchange::releaseWhenDone,
                FetchTranslator::apply);
    }

    /** Empties the cache of rebuilt batches when the route table changed since they were cached. */
    private void forgetOtherRoutes() {
        RebuiltBatches cache = rebuilt;
        RouteTable current = routes.get();
        if (cache != null && cachedUnder != current) {
            cachedUnder = current;
            cache.invalidateAll();
        }
    }

    private List<PartitionJobs.Job<FetchResponseData.PartitionData>> jobs(
            FetchResponseData data, ClientRoutes client, boolean byId, @Nullable FetchLimits limits) {
        List<PartitionJobs.Job<FetchResponseData.PartitionData>> jobs = new ArrayList<>();
        long responseBytes = 0;
        for (FetchResponseData.FetchableTopicResponse topic : data.responses()) {
            String name = byId ? topicNames.name(topic.topicId()) : topic.topic();
            if (name == null) {
                continue; // a topic id still unknown after asking: the topic is gone, its records pass as they are
            }
            VersionDecision decision = client.consume(name);
            RouteConfig route = client.route(name);
            for (FetchResponseData.PartitionData partition : topic.partitions()) {
                if (partition.records() != null) {
                    responseBytes += partition.records().sizeInBytes();
                }
            }
            if (decision == null || route == null) {
                continue;
            }
            for (FetchResponseData.PartitionData partition : topic.partitions()) {
                if (partition.errorCode() == Errors.NONE.code()
                        && partition.records() instanceof MemoryRecords records
                        && records.sizeInBytes() > 0) {
                    jobs.add(new PartitionJobs.Job<>(
                            name,
                            partition.partitionIndex(),
                            records,
                            route,
                            decision,
                            PartitionRewriter.Rebuild.fetch(codec, records.sizeInBytes()),
                            partition));
                }
            }
        }
        return withinLimits(jobs, responseBytes, limits);
    }

    /**
     * Budgets that keep the rewritten response within what the client accepts: the request's
     * {@code max_bytes} ({@code fetch.max.bytes}; librdkafka drops a connection whose response
     * exceeds {@code receive.message.max.bytes}, which may be as low as {@code fetch.max.bytes} +
     * 512). Each routed partition may take an equal share of the room the broker's own bytes
     * leave, for translated records that grow and for batches rebuilt uncompressed (an
     * uncompressed batch of a compressible topic is several times its stored size; one that does
     * not fit keeps its codec, see {@link BatchCodec}); batches beyond it are held back for the
     * next fetch, never the first. {@code partition_max_bytes} is the broker's fill target for a
     * partition, not a limit the Java client or librdkafka enforces on what it receives (both take
     * larger partitions, as they do from a broker when one batch is larger).
     * Without the request's limit (routes set after the request passed, or Fetch v0-2, which has
     * none) the usual bound applies ({@link PartitionRewriter#growthLimit}).
     */
    private static List<PartitionJobs.Job<FetchResponseData.PartitionData>> withinLimits(
            List<PartitionJobs.Job<FetchResponseData.PartitionData>> jobs,
            long responseBytes,
            @Nullable FetchLimits limits) {
        if (limits == null || limits.maxBytes() == Integer.MAX_VALUE || jobs.isEmpty()) {
            return jobs;
        }
        long share = Math.max(0, (limits.maxBytes() - responseBytes) / jobs.size());
        List<PartitionJobs.Job<FetchResponseData.PartitionData>> sized = new ArrayList<>(jobs.size());
        for (PartitionJobs.Job<FetchResponseData.PartitionData> job : jobs) {
            int budget = (int) Math.min(Integer.MAX_VALUE, job.records().sizeInBytes() + share);
            sized.add(job.with(new PartitionRewriter.Rebuild(job.how().codec(), budget, budget)));
        }
        return sized;
    }

    private static FilterResult apply(List<PartitionJobs.Done<FetchResponseData.PartitionData>> done) {
        boolean changed = false;
        for (PartitionJobs.Done<FetchResponseData.PartitionData> d : done) {
            MemoryRecords rewritten = d.result().records();
            if (rewritten != null) {
                d.job().target().setRecords(rewritten);
                changed = true;
            }
        }
        return FilterResult.changedIf(changed);
    }
}
