package dev.rosetta.proxy.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.routing.ClientRoutes;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.config.routing.VersionDecision;
import dev.rosetta.proxy.protocol.AttachmentKey;
import dev.rosetta.proxy.protocol.Attachments;
import dev.rosetta.proxy.protocol.FilterResult;
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
public final class FetchTranslator implements ResponseFilter {
    private static final AttachmentKey<ExchangeState<FetchResponseData.PartitionData>> STATE =
            AttachmentKey.named("fetch translation");

    private final Supplier<RouteTable> routes;
    private final TopicNames topicNames;
    private final PartitionJobs partitionJobs;

    FetchTranslator(Supplier<RouteTable> routes, TopicNames topicNames, PartitionJobs partitionJobs) {
        this.partitionJobs = partitionJobs;
        this.routes = routes;
        this.topicNames = topicNames;
    }

    @Override
    public boolean appliesTo(ApiKeys apiKey, short apiVersion) {
        return apiKey == ApiKeys.FETCH;
    }

    @Override
    public boolean needsDecoding(ApiKeys apiKey, short apiVersion, ByteBuf frame, Attachments fromRequest) {
        return !routes.get().isEmpty();
    }

    @Override
    public FilterResult onResponse(ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange) {
        if (routes.get().isEmpty()) {
            return FilterResult.UNCHANGED;
        }
        ClientRoutes client = ConnectionRouting.current(exchange.connection(), routes, exchange.clientId());
        if (client.isEmpty()) {
            return FilterResult.UNCHANGED;
        }
        FetchResponseData data = (FetchResponseData) response;
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
                Direction.CONSUME, state, () -> jobs(data, client, byId), FetchTranslator::apply);
    }

    private List<PartitionJobs.Job<FetchResponseData.PartitionData>> jobs(
            FetchResponseData data, ClientRoutes client, boolean byId) {
        List<PartitionJobs.Job<FetchResponseData.PartitionData>> jobs = new ArrayList<>();
        for (FetchResponseData.FetchableTopicResponse topic : data.responses()) {
            String name = byId ? topicNames.name(topic.topicId()) : topic.topic();
            if (name == null) {
                continue; // a topic id still unknown after asking: the topic is gone, its records pass as they are
            }
            VersionDecision decision = client.consume(name);
            RouteConfig route = client.route(name);
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
                            new PartitionRewriter.Rebuild(null, PartitionRewriter.growthLimit(records.sizeInBytes())),
                            partition));
                }
            }
        }
        return jobs;
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
