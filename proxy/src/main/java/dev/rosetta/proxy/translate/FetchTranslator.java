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
import dev.rosetta.translators.TranslatorCache;

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
    private final TranslatorCache translators;
    private final TranslationMetrics metrics;
    private final DeadLetters deadLetters;

    public FetchTranslator(Supplier<RouteTable> routes, TopicNames topicNames, TranslatorCache translators,
                           TranslationMetrics metrics, DeadLetters deadLetters) {
        this.routes = routes;
        this.topicNames = topicNames;
        this.translators = translators;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
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
        PartitionRewriter rewriter = new PartitionRewriter(translators, metrics, deadLetters, PartitionRewriter.CONSUME, state.lookups);
        List<Runnable> replacements = null;
        List<CompletableFuture<Translator>> pending = null;
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
                PartitionRewriter.Result result = rewriter.rewrite(name, partition.partitionIndex(), records, route, decision);
                if (result.isPending()) {
                    if (pending == null) {
                        pending = new ArrayList<>();
                    }
                    pending.addAll(result.pending());
                } else if (result.records() != null) {
                    if (replacements == null) {
                        replacements = new ArrayList<>();
                    }
                    MemoryRecords rewritten = result.records();
                    replacements.add(() -> partition.setRecords(rewritten));
                }
            }
        }
        if (pending != null) {
            // nothing changed yet; run again once every look-up has an answer (success or failure)
            exchange.deferUntil(ExchangeState.whenAnswered(pending));
            return false;
        }
        if (replacements == null) {
            return false;
        }
        replacements.forEach(Runnable::run);
        return true;
    }
}
