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

    @Override
    public FilterResult onResponse(ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange) {
        return switch (apiKey) {
            case METADATA ->
                rewrite(
                        ((MetadataResponseData) response).brokers(),
                        MetadataResponseData.MetadataResponseBroker::nodeId,
                        MetadataResponseData.MetadataResponseBroker::host,
                        MetadataResponseData.MetadataResponseBroker::port,
                        (b, h) -> b.setHost(h),
                        (b, p) -> b.setPort(p));
            case DESCRIBE_CLUSTER -> {
                DescribeClusterResponseData data = (DescribeClusterResponseData) response;
                if (data.endpointType() == CONTROLLER_ENDPOINTS) {
                    yield FilterResult.UNCHANGED;
                }
                yield rewrite(
                        data.brokers(),
                        DescribeClusterResponseData.DescribeClusterBroker::brokerId,
                        DescribeClusterResponseData.DescribeClusterBroker::host,
                        DescribeClusterResponseData.DescribeClusterBroker::port,
                        (b, h) -> b.setHost(h),
                        (b, p) -> b.setPort(p));
            }
            case FIND_COORDINATOR -> rewriteCoordinator((FindCoordinatorResponseData) response, apiVersion);
            case PRODUCE ->
                rewrite(
                        ((ProduceResponseData) response).nodeEndpoints(),
                        ProduceResponseData.NodeEndpoint::nodeId,
                        ProduceResponseData.NodeEndpoint::host,
                        ProduceResponseData.NodeEndpoint::port,
                        (b, h) -> b.setHost(h),
                        (b, p) -> b.setPort(p));
            case FETCH ->
                rewrite(
                        ((FetchResponseData) response).nodeEndpoints(),
                        FetchResponseData.NodeEndpoint::nodeId,
                        FetchResponseData.NodeEndpoint::host,
                        FetchResponseData.NodeEndpoint::port,
                        (b, h) -> b.setHost(h),
                        (b, p) -> b.setPort(p));
            case SHARE_FETCH ->
                rewrite(
                        ((ShareFetchResponseData) response).nodeEndpoints(),
                        ShareFetchResponseData.NodeEndpoint::nodeId,
                        ShareFetchResponseData.NodeEndpoint::host,
                        ShareFetchResponseData.NodeEndpoint::port,
                        (b, h) -> b.setHost(h),
                        (b, p) -> b.setPort(p));
            case SHARE_ACKNOWLEDGE ->
                rewrite(
                        ((ShareAcknowledgeResponseData) response).nodeEndpoints(),
                        ShareAcknowledgeResponseData.NodeEndpoint::nodeId,
                        ShareAcknowledgeResponseData.NodeEndpoint::host,
                        ShareAcknowledgeResponseData.NodeEndpoint::port,
                        (b, h) -> b.setHost(h),
                        (b, p) -> b.setPort(p));
            default -> FilterResult.UNCHANGED;
        };
    }

    private FilterResult rewriteCoordinator(FindCoordinatorResponseData data, short apiVersion) {
        if (apiVersion >= 4) {
            return rewrite(
                    data.coordinators(),
                    FindCoordinatorResponseData.Coordinator::nodeId,
                    FindCoordinatorResponseData.Coordinator::host,
                    FindCoordinatorResponseData.Coordinator::port,
                    (c, h) -> c.setHost(h),
                    (c, p) -> c.setPort(p));
        }
        return rewrite(
                List.of(data),
                FindCoordinatorResponseData::nodeId,
                FindCoordinatorResponseData::host,
                FindCoordinatorResponseData::port,
                (d, h) -> d.setHost(h),
                (d, p) -> d.setPort(p));
    }

    /**
     * Two passes: learn every upstream address and make sure the proxy listens for every node; only
     * when all are ready, rewrite. If one is not, defer without touching the message.
     */
    private <T> FilterResult rewrite(
            Iterable<T> items,
            ToIntFunction<T> nodeId,
            Function<T, String> host,
            ToIntFunction<T> port,
            BiConsumer<T, String> setHost,
            ObjIntConsumer<T> setPort) {
        List<Integer> missing = null;
        for (T item : items) {
            int id = nodeId.applyAsInt(item);
            if (id < 0) {
                continue; // e.g. FindCoordinator with an error: no node
            }
            endpoints.learnUpstream(id, host.apply(item), port.applyAsInt(item));
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
            int id = nodeId.applyAsInt(item);
            if (id < 0) {
                continue;
            }
            setHost.accept(item, advertisedHost);
            setPort.accept(item, endpoints.advertisedPort(id));
            changed = true;
        }
        return FilterResult.changedIf(changed);
    }
}
