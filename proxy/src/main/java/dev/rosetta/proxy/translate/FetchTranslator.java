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
import dev.rosetta.proxy.protocol.ResponseExchange;
import dev.rosetta.proxy.protocol.ResponseFilter;
import dev.rosetta.translators.Translator;

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
    public boolean needsDecoding(ApiKeys apiKey, short apiVersion, io.netty.buffer.ByteBuf frame, Object requestContext) {
        return !routes.get().isEmpty();
    }

    @Override
    public boolean onResponse(ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange) {
        if (routes.get().isEmpty()) {
            return false;
        }
        ClientRoutes client = ConnectionRouting.current(exchange.connection(), routes, exchange.clientId());
        if (client.isEmpty()) {
            return false;
        }
        FetchResponseData data = (FetchResponseData) response;
        ExchangeState state = ExchangeState.of(exchange.attachment());
        exchange.attach(state);
        boolean byId = apiVersion >= 13;
        if (byId) {
            CompletableFuture<Void> resolving = state.unknownTopicIds(data.responses(), FetchResponseData.FetchableTopicResponse::topicId, topicNames);
            if (resolving != null) {
                exchange.deferUntil(resolving);
                return false;
            }
        }
        if (state.running != null) {
            return apply(PartitionJobs.finished(state), exchange);
        }
        List<PartitionJobs.Job<FetchResponseData.PartitionData>> jobs = new ArrayList<>();
        for (FetchResponseData.FetchableTopicResponse topic : data.responses()) {
            String name = byId ? topicNames.name(topic.topicId()) : topic.topic();
            VersionDecision decision = name == null ? null : client.consume(name);
            if (decision == null) {
                continue;
            }
            RouteConfig route = client.route(name);
            for (FetchResponseData.PartitionData partition : topic.partitions()) {
                if (partition.errorCode() != Errors.NONE.code() || !(partition.records() instanceof MemoryRecords records)
                        || records.sizeInBytes() == 0) {
                    continue;
                }
                jobs.add(new PartitionJobs.Job<>(name, partition.partitionIndex(), records, route, decision, partition));
            }
        }
        if (jobs.isEmpty()) {
            return false;
        }
        List<PartitionJobs.Done<FetchResponseData.PartitionData>> done = partitionJobs.run(Direction.CONSUME, jobs, state);
        if (done == null) {
            exchange.deferUntil(state.running); // the workers have it; the next run applies their results
            return false;
        }
        return apply(done, exchange);
    }

    private static boolean apply(List<PartitionJobs.Done<FetchResponseData.PartitionData>> done, ResponseExchange exchange) {
        List<CompletableFuture<Translator>> pending = PartitionJobs.pending(done);
        if (pending != null) {
            // nothing changed yet; run again once every look-up has an answer (success or failure)
            exchange.deferUntil(ExchangeState.whenAnswered(pending));
            return false;
        }
        boolean changed = false;
        for (PartitionJobs.Done<FetchResponseData.PartitionData> d : done) {
            if (d.result().records() != null) {
                d.job().target().setRecords(d.result().records());
                changed = true;
            }
        }
        return changed;
    }
}
