package dev.rosetta.proxy.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import java.util.function.ToIntFunction;

import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.netty.buffer.ByteBuf;

/**
 * Replaces every upstream broker address a client could connect to with the proxy's own
 * address for that broker, so clients never bypass the proxy.
 *
 * <p>Covers Metadata and DescribeCluster broker lists, FindCoordinator (the single v0-v3 fields and
 * the v4+ coordinator list), and the KIP-951 {@code nodeEndpoints} that Produce v10+, Fetch v16+,
 * ShareFetch and ShareAcknowledge responses carry when leadership moved. Addresses seen here also
 * teach the proxy where each node lives upstream; a node the proxy does not listen for yet gets a
 * port first (the response waits for it, so a client never learns a port that refuses it).
 */
public final class BrokerAddressRewriter implements ResponseFilter {

    /** DescribeCluster endpoint type 2 lists controllers, which clients reach directly, not through a broker proxy. */
    private static final byte CONTROLLER_ENDPOINTS = 2;

    private final BrokerEndpoints endpoints;

    public BrokerAddressRewriter(BrokerEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public boolean appliesTo(ApiKeys apiKey, short apiVersion) {
        return switch (apiKey) {
            case METADATA, DESCRIBE_CLUSTER, FIND_COORDINATOR, SHARE_FETCH, SHARE_ACKNOWLEDGE -> true;
            case PRODUCE -> apiVersion >= 10;
            case FETCH -> apiVersion >= 16;
            default -> false;
        };
    }

    /** Fetch responses are the bulk of traffic and almost never carry node endpoints: look before decoding. */
    @Override
    public boolean needsDecoding(ApiKeys apiKey, short apiVersion, ByteBuf frame, Attachments fromRequest) {
        if (apiKey == ApiKeys.FETCH) {
            return FetchResponseScan.hasTopLevelTag(frame, apiVersion, FetchResponseScan.NODE_ENDPOINTS_TAG);
        }
        return true;
    }

    /**
     * How to read and write the address of one kind of broker entry. Kafka's generated message
     * classes share no interface for their broker entries, so each kind gets one of these.
     */
    private record Endpoint<T>(
            ToIntFunction<T> nodeId,
            Function<T, String> host,
            ToIntFunction<T> port,
            BiConsumer<T, String> setHost,
            ObjIntConsumer<T> setPort) {}

    private static final Endpoint<MetadataResponseData.MetadataResponseBroker> METADATA_BROKER = new Endpoint<>(
            b -> b.nodeId(), b -> b.host(), b -> b.port(), (b, h) -> b.setHost(h), (b, p) -> b.setPort(p));
    private static final Endpoint<DescribeClusterResponseData.DescribeClusterBroker> CLUSTER_BROKER = new Endpoint<>(
            b -> b.brokerId(), b -> b.host(), b -> b.port(), (b, h) -> b.setHost(h), (b, p) -> b.setPort(p));
    private static final Endpoint<FindCoordinatorResponseData.Coordinator> COORDINATOR = new Endpoint<>(
            c -> c.nodeId(), c -> c.host(), c -> c.port(), (c, h) -> c.setHost(h), (c, p) -> c.setPort(p));
    /** FindCoordinator v0-v3: one coordinator, in the response's own fields. */
    private static final Endpoint<FindCoordinatorResponseData> SINGLE_COORDINATOR = new Endpoint<>(
            d -> d.nodeId(), d -> d.host(), d -> d.port(), (d, h) -> d.setHost(h), (d, p) -> d.setPort(p));

    private static final Endpoint<ProduceResponseData.NodeEndpoint> PRODUCE_NODE = new Endpoint<>(
            e -> e.nodeId(), e -> e.host(), e -> e.port(), (e, h) -> e.setHost(h), (e, p) -> e.setPort(p));
    private static final Endpoint<FetchResponseData.NodeEndpoint> FETCH_NODE = new Endpoint<>(
            e -> e.nodeId(), e -> e.host(), e -> e.port(), (e, h) -> e.setHost(h), (e, p) -> e.setPort(p));
    private static final Endpoint<ShareFetchResponseData.NodeEndpoint> SHARE_FETCH_NODE = new Endpoint<>(
            e -> e.nodeId(), e -> e.host(), e -> e.port(), (e, h) -> e.setHost(h), (e, p) -> e.setPort(p));
    private static final Endpoint<ShareAcknowledgeResponseData.NodeEndpoint> SHARE_ACK_NODE = new Endpoint<>(
            e -> e.nodeId(), e -> e.host(), e -> e.port(), (e, h) -> e.setHost(h), (e, p) -> e.setPort(p));

    @Override
    public FilterResult onResponse(ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange) {
        return switch (apiKey) {
            case METADATA -> rewrite(((MetadataResponseData) response).brokers(), METADATA_BROKER);
            case DESCRIBE_CLUSTER -> {
                DescribeClusterResponseData data = (DescribeClusterResponseData) response;
                yield data.endpointType() == CONTROLLER_ENDPOINTS
                        ? FilterResult.UNCHANGED
                        : rewrite(data.brokers(), CLUSTER_BROKER);
            }
            case FIND_COORDINATOR -> {
                FindCoordinatorResponseData data = (FindCoordinatorResponseData) response;
                yield apiVersion >= 4
                        ? rewrite(data.coordinators(), COORDINATOR)
                        : rewrite(List.of(data), SINGLE_COORDINATOR);
            }
            case PRODUCE -> rewrite(((ProduceResponseData) response).nodeEndpoints(), PRODUCE_NODE);
            case FETCH -> rewrite(((FetchResponseData) response).nodeEndpoints(), FETCH_NODE);
            case SHARE_FETCH -> rewrite(((ShareFetchResponseData) response).nodeEndpoints(), SHARE_FETCH_NODE);
            case SHARE_ACKNOWLEDGE ->
                rewrite(((ShareAcknowledgeResponseData) response).nodeEndpoints(), SHARE_ACK_NODE);
            default -> FilterResult.UNCHANGED;
        };
    }

    /**
     * Two passes: learn every upstream address and make sure the proxy listens for every node; only
     * when all are ready, rewrite. If one is not, defer without touching the message.
     */
    private <T> FilterResult rewrite(Iterable<T> items, Endpoint<T> endpoint) {
        List<Integer> missing = null;
        for (T item : items) {
            int id = endpoint.nodeId().applyAsInt(item);
            if (id < 0) {
                continue; // e.g. FindCoordinator with an error: no node
            }
            endpoints.learnUpstream(
                    id, endpoint.host().apply(item), endpoint.port().applyAsInt(item));
            if (endpoints.advertisedPort(id) < 0) {
                if (missing == null) {
                    missing = new ArrayList<>(2);
                }
                missing.add(id);
            }
        }
        if (missing != null) {
            CompletableFuture<?>[] stages = missing.stream()
                    .map(id -> endpoints.expose(id).toCompletableFuture())
                    .toArray(CompletableFuture[]::new);
            return FilterResult.deferUntil(CompletableFuture.allOf(stages));
        }
        boolean changed = false;
        String advertisedHost = endpoints.advertisedHost();
        for (T item : items) {
            int id = endpoint.nodeId().applyAsInt(item);
            if (id < 0) {
                continue;
            }
            endpoint.setHost().accept(item, advertisedHost);
            endpoint.setPort().accept(item, endpoints.advertisedPort(id));
            changed = true;
        }
        return FilterResult.changedIf(changed);
    }
}
