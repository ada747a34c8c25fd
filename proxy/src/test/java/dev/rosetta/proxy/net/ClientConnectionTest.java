package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.rosetta.proxy.metrics.ProxyMetrics;
import dev.rosetta.proxy.protocol.FilterResult;
import dev.rosetta.proxy.protocol.KafkaMessages;
import dev.rosetta.proxy.protocol.RequestExchange;
import dev.rosetta.proxy.protocol.RequestFilter;
import dev.rosetta.proxy.protocol.RequestHeaderView;
import dev.rosetta.proxy.protocol.ResponseExchange;
import dev.rosetta.proxy.protocol.ResponseFilter;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection's ordering, deferral and backpressure, on in-memory channels: a client channel
 * with a {@link ClientConnection} and an upstream channel standing in for the broker. No sockets,
 * no broker; each test runs in milliseconds.
 */
class ClientConnectionTest {
    private static final short METADATA_VERSION = 12;

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private EmbeddedChannel upstream;

    @AfterEach
    void releaseEverything() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void responsesLeaveInRequestOrderWhenALaterOneIsReadyFirst() {
        CompletableFuture<Void> firstMayGo = new CompletableFuture<>();
        ResponseFilter holdsTheFirst = responseFilter(
                (message, exchange) -> ((MetadataResponseData) message).throttleTimeMs() == 1 && !firstMayGo.isDone()
                        ? FilterResult.deferUntil(firstMayGo)
                        : FilterResult.UNCHANGED);
        EmbeddedChannel client = connect(List.of(holdsTheFirst), List.of());

        client.writeInbound(metadataRequest(1), metadataRequest(2));
        answer(1);
        answer(2);

        assertThat((Object) client.readOutbound())
                .as("the second response waits behind the first")
                .isNull();
        assertThat(upstream.config().isAutoRead())
                .as("no more reading from the broker while a response is held")
                .isFalse();

        firstMayGo.complete(null);
        client.runPendingTasks();

        assertThat(correlationIdsWritten(client)).containsExactly(1, 2);
        assertThat(upstream.config().isAutoRead()).isTrue();
    }

    @Test
    void aDeferredResponseResumesAtTheFilterThatDeferredIt() {
        AtomicInteger firstRuns = new AtomicInteger();
        AtomicInteger secondRuns = new AtomicInteger();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        ResponseFilter changesThrottle = responseFilter((message, exchange) -> {
            firstRuns.incrementAndGet();
            ((MetadataResponseData) message).setThrottleTimeMs(99);
            return FilterResult.CHANGED;
        });
        ResponseFilter waits = responseFilter((message, exchange) -> {
            secondRuns.incrementAndGet();
            return ready.isDone() ? FilterResult.UNCHANGED : FilterResult.deferUntil(ready);
        });
        EmbeddedChannel client = connect(List.of(changesThrottle, waits), List.of());

        client.writeInbound(metadataRequest(7));
        answer(7);
        assertThat((Object) client.readOutbound()).isNull();

        ready.complete(null);
        client.runPendingTasks();

        assertThat(firstRuns)
                .as("filters before the deferring one do not run again")
                .hasValue(1);
        assertThat(secondRuns).hasValue(2);
        ByteBuf written = client.readOutbound();
        try {
            MetadataResponseData response =
                    (MetadataResponseData) KafkaMessages.decodeResponse(written, ApiKeys.METADATA, METADATA_VERSION);
            assertThat(response.throttleTimeMs())
                    .as("the earlier filter's change is kept and encoded")
                    .isEqualTo(99);
        } finally {
            written.release();
        }
    }

    @Test
    void aDeferredRequestHoldsLaterRequestsAndStopsReadingFromTheClient() {
        CompletableFuture<Void> firstMayGo = new CompletableFuture<>();
        RequestFilter holdsTheFirst = new RequestFilter() {
            @Override
            public boolean appliesTo(ApiKeys apiKey, short apiVersion) {
                return apiKey == ApiKeys.METADATA;
            }

            @Override
            public FilterResult onRequest(
                    ApiKeys apiKey,
                    short apiVersion,
                    RequestHeaderData header,
                    ApiMessage request,
                    RequestExchange exchange) {
                return header.correlationId() == 1 && !firstMayGo.isDone()
                        ? FilterResult.deferUntil(firstMayGo)
                        : FilterResult.UNCHANGED;
            }
        };
        EmbeddedChannel client = connect(List.of(), List.of(holdsTheFirst));

        client.writeInbound(metadataRequest(1), metadataRequest(2));

        assertThat((Object) upstream.readOutbound())
                .as("nothing reaches the broker while the first request waits")
                .isNull();
        assertThat(client.config().isAutoRead()).isFalse();

        firstMayGo.complete(null);
        client.runPendingTasks();

        assertThat(correlationIdsWritten(upstream)).containsExactly(1, 2);
        assertThat(client.config().isAutoRead()).isTrue();
    }

    @Test
    void readingFollowsTheOtherSidesWritability() {
        EmbeddedChannel client = connect(List.of(), List.of());
        assertThat(client.config().isAutoRead())
                .as("the client is read once the upstream connection is up")
                .isTrue();
        assertThat(upstream.config().isAutoRead()).isTrue();

        setWritable(upstream, false);
        assertThat(client.config().isAutoRead())
                .as("broker side full: stop reading requests")
                .isFalse();
        assertThat(upstream.config().isAutoRead()).isTrue();

        setWritable(upstream, true);
        assertThat(client.config().isAutoRead()).isTrue();

        setWritable(client, false);
        assertThat(upstream.config().isAutoRead())
                .as("client side full: stop reading responses")
                .isFalse();
        assertThat(client.config().isAutoRead()).isTrue();

        setWritable(client, true);
        assertThat(upstream.config().isAutoRead()).isTrue();
    }

    @Test
    void aResponseOutOfOrderClosesBothSides() {
        EmbeddedChannel client = connect(List.of(), List.of());
        client.writeInbound(metadataRequest(1));
        answer(2);

        assertThat(client.isOpen()).isFalse();
        assertThat(upstream.isOpen()).isFalse();
    }

    @Test
    void anApiVersionsRequestNewerThanTheProxyIsAnsweredAtOnce() {
        EmbeddedChannel client = connect(List.of(), List.of());
        short tooNew = (short) (ApiKeys.API_VERSIONS.latestVersion() + 1);
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(ApiKeys.API_VERSIONS.id)
                .setRequestApiVersion(tooNew)
                .setCorrelationId(5)
                .setClientId("newer-client");
        ByteBuf request = KafkaMessages.encodeRequest(
                ByteBufAllocator.DEFAULT,
                header,
                ApiKeys.API_VERSIONS,
                ApiKeys.API_VERSIONS.latestVersion(), // the body of the newest known version, under a newer header
                new org.apache.kafka.common.message.ApiVersionsRequestData());
        request.setShort(6, tooNew);

        client.writeInbound(request);

        assertThat((Object) upstream.readOutbound())
                .as("not sent to the broker")
                .isNull();
        ByteBuf answer = client.readOutbound();
        assertThat(answer).as("written and flushed: the client waits for it").isNotNull();
        try {
            org.apache.kafka.common.message.ApiVersionsResponseData response =
                    (org.apache.kafka.common.message.ApiVersionsResponseData)
                            KafkaMessages.decodeResponse(answer, ApiKeys.API_VERSIONS, (short) 0);
            assertThat(RequestHeaderView.responseCorrelationId(answer)).isEqualTo(5);
            assertThat(response.errorCode())
                    .isEqualTo(org.apache.kafka.common.protocol.Errors.UNSUPPORTED_VERSION.code());
        } finally {
            answer.release();
        }
    }

    // ---- fixtures ----    // ---- fixtures
    // ----------------------------------------------------------------------------

    private EmbeddedChannel connect(List<ResponseFilter> responseFilters, List<RequestFilter> requestFilters) {
        UpstreamConnector inMemory = (client, candidates, handler) -> {
            upstream = new EmbeddedChannel(handler.get());
            channels.add(upstream);
            return CompletableFuture.completedFuture(upstream);
        };
        ProxyRuntime runtime = new ProxyRuntime(
                List.of(InetSocketAddress.createUnresolved("broker", 9092)),
                inMemory,
                new BrokerListeners("proxy.local", node -> new CompletableFuture<>()),
                new FilterTable<>(responseFilters, ResponseFilter[]::new),
                new FilterTable<>(requestFilters, RequestFilter[]::new),
                new ProxyMetrics(new SimpleMeterRegistry()),
                null,
                null,
                1 << 20,
                new RepeatedWarnings());
        EmbeddedChannel client = new EmbeddedChannel(new ClientConnection(runtime, UpstreamTarget.BOOTSTRAP));
        channels.add(client);
        return client;
    }

    /** The broker answers the request with {@code correlationId}; the throttle time carries the id so filters can tell responses apart. */
    private void answer(int correlationId) {
        ByteBuf request = upstream.readOutbound();
        if (request != null) {
            request.release();
        }
        upstream.writeInbound(KafkaMessages.encodeResponse(
                ByteBufAllocator.DEFAULT,
                correlationId,
                ApiKeys.METADATA,
                METADATA_VERSION,
                new MetadataResponseData().setThrottleTimeMs(correlationId)));
    }

    private static ByteBuf metadataRequest(int correlationId) {
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(ApiKeys.METADATA.id)
                .setRequestApiVersion(METADATA_VERSION)
                .setCorrelationId(correlationId)
                .setClientId("test");
        return KafkaMessages.encodeRequest(
                ByteBufAllocator.DEFAULT, header, ApiKeys.METADATA, METADATA_VERSION, new MetadataRequestData());
    }

    /** Correlation ids of the frames written on {@code channel} (requests to the broker, or responses to the client), in order; releases them. */
    private List<Integer> correlationIdsWritten(EmbeddedChannel channel) {
        List<Integer> ids = new ArrayList<>();
        for (ByteBuf frame = channel.readOutbound(); frame != null; frame = channel.readOutbound()) {
            ids.add(
                    channel == upstream
                            ? RequestHeaderView.correlationId(frame)
                            : RequestHeaderView.responseCorrelationId(frame));
            frame.release();
        }
        return ids;
    }

    /** Flips the channel's writability as a full (or drained) socket buffer would; Netty reports it on the channel's event loop. */
    private static void setWritable(EmbeddedChannel channel, boolean writable) {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        channel.runPendingTasks();
    }

    private interface ResponseStep {
        FilterResult apply(ApiMessage message, ResponseExchange exchange);
    }

    private static ResponseFilter responseFilter(ResponseStep step) {
        return new ResponseFilter() {
            @Override
            public boolean appliesTo(ApiKeys apiKey, short apiVersion) {
                return apiKey == ApiKeys.METADATA;
            }

            @Override
            public FilterResult onResponse(
                    ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange) {
                return step.apply(response, exchange);
            }
        };
    }
}
