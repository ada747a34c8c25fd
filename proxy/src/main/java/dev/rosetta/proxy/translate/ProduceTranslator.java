package dev.rosetta.proxy.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Translates records produced to routed topics into the version the topic stores (the produce
 * side of the route, per rollout bucket) before they reach the broker.
 *
 * <p>Rebuilt batches keep their record count, base sequence, producer id and epoch and
 * transactional flag, so idempotent and transactional producers work unchanged. Under the REJECT
 * policy a partition holding a record that cannot be translated is not written: it is taken out
 * of the request (the rest is forwarded as usual) and its answer is merged into the broker's
 * response as INVALID_RECORD with a message per record, so responses stay in order.
 */
public final class ProduceTranslator implements RequestFilter, ResponseFilter {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceTranslator.class);
    private static final AttachmentKey<ExchangeState<Partition>> STATE = AttachmentKey.named("produce translation");
    /** Partitions refused under the REJECT policy, left by the request for its response. */
    private static final AttachmentKey<List<Rejected>> REJECTED = AttachmentKey.named("rejected partitions");

    private static final AttachmentKey<List<DeadLettersOf>> DEAD_LETTERS =
            AttachmentKey.named("dead letters awaiting their offsets");

    /** The counts of translated partitions, reported once the broker says it stored them. */
    private static final AttachmentKey<List<CountsOf>> COUNTS = AttachmentKey.named("counts awaiting the answer");

    /**
     * Batches of idempotent producers already counted: a retry of a batch the broker stored (its answer was lost
     * on the way to the client) is answered as a success again, and must not be counted again. The broker
     * recognises the last five batches of a producer per partition; this remembers far more, for long enough.
     */
    private final com.github.benmanes.caffeine.cache.Cache<ProducedBatch, Boolean> counted =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                    .maximumSize(200_000)
                    .expireAfterWrite(java.time.Duration.ofMinutes(10))
                    .build();

    private final Supplier<RouteTable> routes;
    private final TopicNames topicNames;
    private final PartitionJobs partitionJobs;

    private final OverrideMatches overrideMatches;

    private final DeadLetters deadLetters;

    ProduceTranslator(
            Supplier<RouteTable> routes,
            TopicNames topicNames,
            PartitionJobs partitionJobs,
            OverrideMatches overrideMatches,
            DeadLetters deadLetters) {
        this.overrideMatches = overrideMatches;
        this.deadLetters = deadLetters;
        this.partitionJobs = partitionJobs;
        this.routes = routes;
        this.topicNames = topicNames;
    }

    /** A partition of the request being translated. */
    private record Partition(
            ProduceRequestData.TopicProduceData topic, ProduceRequestData.PartitionProduceData partition) {}

    /** A partition the proxy refused; answered in the broker's response. */
    private record Rejected(String topic, Uuid topicId, int partition, List<PartitionRewriter.Rejection> records) {}

    /** The first batch of an idempotent producer's records for a partition: what its retry repeats. */
    private record ProducedBatch(String topic, int partition, long producerId, short epoch, int baseSequence) {}

    /** A partition's counts, and its first batch when the producer is idempotent (else null). */
    private record CountsOf(
            String topic,
            Uuid topicId,
            int partition,
            PartitionRewriter.Counts counts,
            @Nullable ProducedBatch batch) {}

    /** Dead-letter copies of a partition's records, sent once the broker says where it stored them. */
    private record DeadLettersOf(String topic, Uuid topicId, int partition, List<DeadLetters.PendingCopy> copies) {}

    @Override
    public boolean appliesTo(ApiKeys apiKey, short apiVersion) {
        return apiKey == ApiKeys.PRODUCE && apiVersion >= 3; // record batches (magic 2) from Produce v3
    }

    @Override
    public boolean needsDecoding(ApiKeys apiKey, short apiVersion, ByteBuf frame) {
        return !routes.get().isEmpty();
    }

    @Override
    public FilterResult onRequest(
            ApiKeys apiKey, short apiVersion, RequestHeaderData header, ApiMessage request, RequestExchange exchange) {
        if (routes.get().isEmpty()) {
            return FilterResult.UNCHANGED;
        }
        ClientRoutes client =
                ConnectionRouting.current(exchange.connection(), routes, header.clientId(), overrideMatches);
        if (client.isEmpty()) {
            return FilterResult.UNCHANGED;
        }
        ProduceRequestData data = (ProduceRequestData) request;
        ExchangeState<Partition> state = exchange.attachments().computeIfAbsent(STATE, ExchangeState::new);
        boolean byId = apiVersion >= 13;
        if (byId) {
            CompletableFuture<Void> resolving =
                    state.unknownTopicIds(data.topicData(), ProduceRequestData.TopicProduceData::topicId, topicNames);
            if (resolving != null) {
                return FilterResult.deferUntil(resolving);
            }
        }
        return partitionJobs.translate(
                Direction.PRODUCE,
                state,
                () -> jobs(data, client, byId),
                exchange::releaseWhenDone,
                done -> apply(data, done, header, exchange));
    }

    private List<PartitionJobs.Job<Partition>> jobs(ProduceRequestData data, ClientRoutes client, boolean byId) {
        List<PartitionJobs.Job<Partition>> jobs = new ArrayList<>();
        for (ProduceRequestData.TopicProduceData topic : data.topicData()) {
            String name = byId ? topicNames.name(topic.topicId()) : topic.name();
            if (name == null) {
                continue; // a topic id still unknown after asking: the topic is gone, its records pass as they are
            }
            VersionDecision decision = client.produce(name);
            RouteConfig route = client.route(name);
            if (decision == null || route == null) {
                continue;
            }
            for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                if (partition.records() instanceof MemoryRecords records && records.sizeInBytes() > 0) {
                    jobs.add(new PartitionJobs.Job<>(
                            name,
                            partition.index(),
                            records,
                            route,
                            decision,
                            PartitionRewriter.Rebuild.PRODUCE,
                            new Partition(topic, partition)));
                }
            }
        }
        return jobs;
    }

    /** Puts the rewritten batches in the request, and takes refused partitions out of it (answered in the response). */
    private FilterResult apply(
            ProduceRequestData data,
            List<PartitionJobs.Done<Partition>> done,
            RequestHeaderData header,
            RequestExchange exchange) {
        boolean changed = false;
        List<Rejected> rejected = new ArrayList<>();
        List<DeadLettersOf> deadLettered = new ArrayList<>();
        List<CountsOf> counts = new ArrayList<>();
        for (PartitionJobs.Done<Partition> d : done) {
            ProduceRequestData.TopicProduceData topic = d.job().target().topic();
            ProduceRequestData.PartitionProduceData partition = d.job().target().partition();
            PartitionRewriter.Result result = d.result();
            if (result.counts() != null) {
                if (data.acks() == 0 || result.counts().rejected()) { // no answer will say more: counted now
                    result.counts().report();
                } else {
                    counts.add(new CountsOf(
                            topic.name(),
                            topic.topicId(),
                            partition.index(),
                            result.counts(),
                            firstBatch(
                                    d.job().topic(), partition.index(), d.job().records())));
                }
            }
            if (!result.deadLetters().isEmpty()) {
                if (data.acks() == 0) { // no answer will say where the records went: send the copies now
                    result.deadLetters().forEach(c -> deadLetters.send(c.copy()));
                } else {
                    deadLettered.add(
                            new DeadLettersOf(topic.name(), topic.topicId(), partition.index(), result.deadLetters()));
                }
            }
            MemoryRecords rewritten = result.records();
            if (result.isRejected()) {
                rejected.add(new Rejected(topic.name(), topic.topicId(), partition.index(), result.rejections()));
                topic.partitionData().remove(partition);
                changed = true;
            } else if (rewritten != null) {
                partition.setRecords(rewritten);
                changed = true;
            }
        }
        if (!deadLettered.isEmpty()) {
            exchange.forResponse().put(DEAD_LETTERS, List.copyOf(deadLettered));
        }
        if (!counts.isEmpty()) {
            exchange.forResponse().put(COUNTS, List.copyOf(counts));
        }
        if (!rejected.isEmpty()) {
            data.topicData().removeIf(topic -> topic.partitionData().isEmpty());
            exchange.forResponse().put(REJECTED, List.copyOf(rejected));
            for (Rejected r : rejected) {
                LOG.warn(
                        "Rejected produce to {}-{} from client {} ({}): {} record(s) cannot be translated, first: {}",
                        r.topic().isEmpty() ? r.topicId() : r.topic(),
                        r.partition(),
                        header.clientId(),
                        exchange.connection().remoteAddress(),
                        r.records().size(),
                        r.records().get(0).message());
            }
        }
        return FilterResult.changedIf(changed);
    }

    /**
     * Only a response to a request with refused partitions (merged in) or dead-lettered records (their offsets
     * read) is decoded; the rest pass as they are.
     */
    @Override
    public boolean needsDecoding(ApiKeys apiKey, short apiVersion, ByteBuf frame, Attachments fromRequest) {
        return fromRequest.get(REJECTED) != null
                || fromRequest.get(DEAD_LETTERS) != null
                || fromRequest.get(COUNTS) != null;
    }

    @Override
    public FilterResult onResponse(ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange) {
        ProduceResponseData data = (ProduceResponseData) response;
        List<DeadLettersOf> deadLettered = exchange.fromRequest().get(DEAD_LETTERS);
        if (deadLettered != null) {
            sendDeadLetters(deadLettered, data);
        }
        List<CountsOf> counts = exchange.fromRequest().get(COUNTS);
        if (counts != null) {
            countStored(counts, data);
        }
        List<Rejected> rejected = exchange.fromRequest().get(REJECTED);
        if (rejected == null || rejected.isEmpty()) {
            return FilterResult.UNCHANGED;
        }
        for (Rejected r : rejected) {
            ProduceResponseData.TopicProduceResponse topic = null;
            for (ProduceResponseData.TopicProduceResponse candidate : data.responses()) {
                if (candidate.name().equals(r.topic()) && candidate.topicId().equals(r.topicId())) {
                    topic = candidate;
                }
            }
            if (topic == null) {
                topic = new ProduceResponseData.TopicProduceResponse()
                        .setName(r.topic())
                        .setTopicId(r.topicId());
                data.responses().add(topic);
            }
            List<ProduceResponseData.BatchIndexAndErrorMessage> errors = new ArrayList<>();
            for (PartitionRewriter.Rejection record : r.records()) {
                errors.add(new ProduceResponseData.BatchIndexAndErrorMessage()
                        .setBatchIndex(record.batchIndex())
                        .setBatchIndexErrorMessage(record.message()));
            }
            topic.partitionResponses()
                    .add(new ProduceResponseData.PartitionProduceResponse()
                            .setIndex(r.partition())
                            .setErrorCode(Errors.INVALID_RECORD.code())
                            .setErrorMessage("Rosetta could not translate "
                                    + r.records().size() + " record(s) to the version this topic stores; first: "
                                    + r.records().get(0).message())
                            .setBaseOffset(-1)
                            .setLogAppendTimeMs(-1)
                            .setLogStartOffset(-1)
                            .setRecordErrors(errors));
        }
        return FilterResult.CHANGED;
    }

    /**
     * The first batch of a partition's records when its producer is idempotent, else null; null too when the bytes
     * do not read as a batch (the rewriter passed or refused them as corrupt), so that they are counted every time.
     */
    private static @Nullable ProducedBatch firstBatch(String topic, int partition, MemoryRecords records) {
        try {
            for (org.apache.kafka.common.record.MutableRecordBatch batch : records.batches()) {
                if (batch.producerId() < 0 || batch.baseSequence() < 0) {
                    return null;
                }
                return new ProducedBatch(
                        topic, partition, batch.producerId(), batch.producerEpoch(), batch.baseSequence());
            }
        } catch (RuntimeException unreadable) {
            // Kafka's iterator and getters throw what the corruption leads to: KafkaException, or
            // IllegalArgumentException for a size near 2^31, or IndexOutOfBoundsException for a short header
            return null;
        }
        return null;
    }

    /**
     * Counts the records of the partitions the broker stored, once: a partition it refused is counted by the
     * client's retry, and the retry of a batch already counted (its answer was lost on the way to the client, and
     * the broker answers the repeat as stored) is not counted again.
     */
    private void countStored(List<CountsOf> counts, ProduceResponseData data) {
        for (CountsOf c : counts) {
            ProduceResponseData.PartitionProduceResponse answer =
                    answerFor(data, c.topic(), c.topicId(), c.partition());
            if (answer == null || answer.errorCode() != 0) {
                continue;
            }
            if (c.batch() != null && counted.asMap().putIfAbsent(c.batch(), Boolean.TRUE) != null) {
                LOG.debug(
                        "Produce to {}-{}: producer {} epoch {} sequence {} was stored and counted before; the"
                                + " client retried it",
                        c.topic(),
                        c.partition(),
                        c.batch().producerId(),
                        c.batch().epoch(),
                        c.batch().baseSequence());
                continue;
            }
            c.counts().report();
        }
    }

    private static ProduceResponseData.@Nullable PartitionProduceResponse answerFor(
            ProduceResponseData data, String topicName, Uuid topicId, int partition) {
        ProduceResponseData.PartitionProduceResponse answer = null;
        for (ProduceResponseData.TopicProduceResponse topic : data.responses()) {
            boolean same = topicName.isEmpty()
                    ? topic.topicId().equals(topicId)
                    : topic.name().equals(topicName);
            if (same) {
                for (ProduceResponseData.PartitionProduceResponse p : topic.partitionResponses()) {
                    if (p.index() == partition) {
                        answer = p;
                    }
                }
            }
        }
        return answer;
    }

    /**
     * Sends the copies of records the broker stored, each with the offset it was stored at. A partition the
     * broker refused (the client retries, and the retry is translated and copied again) sends none, so a
     * retried produce does not dead-letter its records twice.
     */
    private void sendDeadLetters(List<DeadLettersOf> deadLettered, ProduceResponseData data) {
        for (DeadLettersOf d : deadLettered) {
            ProduceResponseData.PartitionProduceResponse answer =
                    answerFor(data, d.topic(), d.topicId(), d.partition());
            if (answer == null || answer.errorCode() != 0 || answer.baseOffset() < 0) {
                LOG.debug(
                        "Produce to {}-{} not stored ({}): its {} dead-letter cop(ies) are dropped; the client's retry"
                                + " makes them again",
                        d.topic(),
                        d.partition(),
                        answer == null ? "no answer for it" : Errors.forCode(answer.errorCode()),
                        d.copies().size());
                continue;
            }
            for (DeadLetters.PendingCopy c : d.copies()) {
                deadLetters.send(c.copy().at(answer.baseOffset() + c.position()));
            }
        }
    }
}
